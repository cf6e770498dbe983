using FuncLedger.Core.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FuncLedger.Core.Persistence.Configurations;

internal sealed class ReconciliationRunConfiguration : IEntityTypeConfiguration<ReconciliationRunRow>
{
    public void Configure(EntityTypeBuilder<ReconciliationRunRow> builder)
    {
        builder.ToTable("reconciliation_runs");
        builder.HasKey(r => r.Id).HasName("pk_reconciliation_runs");
        builder.Property(r => r.Id).HasColumnName("id").ValueGeneratedOnAdd();
        builder.Property(r => r.StartedAt).HasColumnName("started_at").HasConversion(UtcConverter.Instance);
        builder.Property(r => r.FinishedAt).HasColumnName("finished_at").HasConversion(UtcConverter.Instance);
        builder.Property(r => r.Trigger).HasColumnName("trigger")
            .HasMaxLength(ReconciliationLimits.TriggerLengthMax).IsUnicode(false).IsRequired();
        builder.Property(r => r.Fix).HasColumnName("fix");
        builder.Property(r => r.WalletsChecked).HasColumnName("wallets_checked");
        builder.Property(r => r.DriftCount).HasColumnName("drift_count");
        builder.Property(r => r.CorrectionsApplied).HasColumnName("corrections_applied");
        builder.Property(r => r.BalancesTotal).HasColumnName("balances_total");
        builder.Property(r => r.EntriesTotal).HasColumnName("entries_total");
        builder.Property(r => r.DriftedWalletIds).HasColumnName("drifted_wallet_ids")
            .HasMaxLength(ReconciliationLimits.RecordedWalletIdsLengthMax).IsUnicode(false).IsRequired();
        builder.HasIndex(r => r.StartedAt).HasDatabaseName("ix_reconciliation_runs_started_at");
    }
}
