using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FuncLedger.Core.Persistence.Configurations;

internal sealed class EntryReversalConfiguration : IEntityTypeConfiguration<EntryReversal>
{
    public void Configure(EntityTypeBuilder<EntryReversal> builder)
    {
        builder.ToTable("ledger_reversals", t => t.HasCheckConstraint("ck_ledger_reversals_amount_positive", "amount > 0"));
        builder.HasKey(r => r.EntryId).HasName("pk_ledger_reversals");
        builder.Property(r => r.EntryId).HasColumnName("entry_id").ValueGeneratedNever();
        builder.Property(r => r.OriginalEntryId).HasColumnName("original_entry_id");
        builder.Property(r => r.Amount).HasColumnName("amount");
        builder.HasOne<LedgerEntry>().WithMany().HasForeignKey(r => r.EntryId)
            .HasConstraintName("fk_ledger_reversals_entry_id").OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<LedgerEntry>().WithMany().HasForeignKey(r => r.OriginalEntryId)
            .HasConstraintName("fk_ledger_reversals_original_entry_id").OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(r => r.OriginalEntryId).HasDatabaseName("ix_ledger_reversals_original_entry_id");
    }
}
