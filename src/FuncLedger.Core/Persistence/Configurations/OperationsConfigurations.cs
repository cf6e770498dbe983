using FuncLedger.Core.Domain;
using FuncLedger.Core.Idempotency;
using FuncLedger.Core.Payouts;
using FuncLedger.Core.Reconciliation;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FuncLedger.Core.Persistence.Configurations;

internal sealed class ReconciliationRunConfiguration : IEntityTypeConfiguration<ReconciliationRun>
{
    public void Configure(EntityTypeBuilder<ReconciliationRun> builder)
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

internal sealed class PayoutRejectionConfiguration : IEntityTypeConfiguration<PayoutRejection>
{
    public void Configure(EntityTypeBuilder<PayoutRejection> builder)
    {
        builder.ToTable("payout_rejections");
        builder.HasKey(r => r.Id).HasName("pk_payout_rejections");
        builder.Property(r => r.Id).HasColumnName("id").ValueGeneratedOnAdd();
        builder.Property(r => r.MessageId).HasColumnName("message_id")
            .HasMaxLength(PayoutRejectionLimits.MessageIdLengthMax).IsUnicode(false).IsRequired();
        builder.Property(r => r.AwardType).HasColumnName("award_type")
            .HasMaxLength(PayoutRejectionLimits.AwardTypeLengthMax).IsUnicode(false);
        builder.Property(r => r.RegistrationId).HasColumnName("registration_id");
        builder.Property(r => r.Place).HasColumnName("place");
        builder.Property(r => r.ReasonCode).HasColumnName("reason_code")
            .HasMaxLength(PayoutRejectionLimits.ReasonCodeLengthMax).IsUnicode(false).IsRequired();
        builder.Property(r => r.Detail).HasColumnName("detail").HasMaxLength(PayoutRejectionLimits.DetailLengthMax).IsRequired();
        builder.Property(r => r.DequeueCount).HasColumnName("dequeue_count");
        builder.Property(r => r.RejectedAt).HasColumnName("rejected_at").HasConversion(UtcConverter.Instance);
        // A redelivered rejected message is recorded once.
        builder.HasIndex(r => r.MessageId).IsUnique().HasDatabaseName("ux_payout_rejections_message_id");
        builder.HasIndex(r => r.RejectedAt).HasDatabaseName("ix_payout_rejections_rejected_at");
    }
}

internal sealed class KeyedRefusalConfiguration(LedgerProvider provider) : IEntityTypeConfiguration<KeyedRefusal>
{
    public void Configure(EntityTypeBuilder<KeyedRefusal> builder)
    {
        builder.ToTable("ledger_refusals");
        builder.HasKey(r => r.Id).HasName("pk_ledger_refusals");
        builder.Property(r => r.Id).HasColumnName("id").ValueGeneratedOnAdd();
        var key = builder.Property(r => r.IdempotencyKey).HasColumnName("idempotency_key")
            .HasMaxLength(LedgerLimits.IdempotencyKeyColumnLengthMax).IsUnicode(false).IsRequired();
        var fingerprint = builder.Property(r => r.RequestFingerprint).HasColumnName("request_fingerprint")
            .HasMaxLength(LedgerLimits.FingerprintLength).IsFixedLength().IsUnicode(false).IsRequired();
        LedgerEntryConfiguration.Ordinal(provider, key!, fingerprint!);

        builder.Property(r => r.WalletId).HasColumnName("wallet_id");
        builder.Property(r => r.Balance).HasColumnName("balance");
        builder.Property(r => r.Amount).HasColumnName("amount");
        builder.Property(r => r.CreatedAt).HasColumnName("created_at").HasConversion(UtcConverter.Instance);
        builder.HasOne<Wallet>().WithMany().HasForeignKey(r => r.WalletId)
            .HasConstraintName("fk_ledger_refusals_wallets_wallet_id").OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(r => r.WalletId).HasDatabaseName("ix_ledger_refusals_wallet_id");
        // A key is refused once; the index is the arbiter between two concurrent refusals under one key.
        builder.HasIndex(r => r.IdempotencyKey).IsUnique().HasDatabaseName(Commands.Sql.RefusalKeyIndex);
    }
}

internal sealed class LedgerSettingConfiguration : IEntityTypeConfiguration<LedgerSetting>
{
    public void Configure(EntityTypeBuilder<LedgerSetting> builder)
    {
        builder.ToTable("ledger_settings");
        builder.HasKey(s => s.Name).HasName("pk_ledger_settings");
        builder.Property(s => s.Name).HasColumnName("name").HasMaxLength(64).IsUnicode(false);
        builder.Property(s => s.Value).HasColumnName("value").HasMaxLength(128).IsUnicode(false).IsRequired();
    }
}

internal sealed class HistoryLinkEpochConfiguration : IEntityTypeConfiguration<HistoryLinkEpoch>
{
    public void Configure(EntityTypeBuilder<HistoryLinkEpoch> builder)
    {
        builder.ToTable("history_link_epochs");
        builder.HasKey(e => e.OwnerId).HasName("pk_history_link_epochs");
        builder.Property(e => e.OwnerId).HasColumnName("owner_id").ValueGeneratedNever();
        builder.Property(e => e.Epoch).HasColumnName("epoch");
        builder.Property(e => e.RevokedAt).HasColumnName("revoked_at").HasConversion(UtcConverter.Instance);
        builder.Property(e => e.RevokedBy).HasColumnName("revoked_by")
            .HasMaxLength(WalletChanges.ActorLengthMax).IsUnicode(false).IsRequired();
    }
}
