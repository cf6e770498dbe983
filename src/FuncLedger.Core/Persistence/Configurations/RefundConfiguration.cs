using FuncLedger.Core.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FuncLedger.Core.Persistence.Configurations;

internal sealed class RefundConfiguration(LedgerProvider provider) : IEntityTypeConfiguration<RefundRow>
{
    public void Configure(EntityTypeBuilder<RefundRow> builder)
    {
        builder.ToTable("shop_refunds", t =>
        {
            t.HasCheckConstraint("ck_shop_refunds_quantity_positive", "quantity > 0");
            t.HasCheckConstraint("ck_shop_refunds_coins_positive", "coins > 0");
        });
        builder.HasKey(r => r.Id).HasName("pk_shop_refunds");
        builder.Property(r => r.Id).HasColumnName("id").ValueGeneratedOnAdd();
        builder.Property(r => r.PurchaseId).HasColumnName("purchase_id");
        builder.Property(r => r.Quantity).HasColumnName("quantity");
        builder.Property(r => r.Coins).HasColumnName("coins");
        builder.Property(r => r.Forced).HasColumnName("forced");
        builder.Property(r => r.Taken).HasColumnName("taken");
        builder.Property(r => r.Reason).HasColumnName("reason").HasMaxLength(LedgerLimits.ReasonLengthMax).IsRequired();
        builder.Property(r => r.Actor).HasColumnName("actor").HasMaxLength(WalletChanges.ActorLengthMax).IsRequired();
        builder.Property(r => r.EntryId).HasColumnName("entry_id");
        var key = builder.Property(r => r.IdempotencyKey).HasColumnName("idempotency_key")
            .HasMaxLength(LedgerLimits.IdempotencyKeyColumnLengthMax).IsUnicode(false).IsRequired();
        var fingerprint = builder.Property(r => r.RequestFingerprint).HasColumnName("request_fingerprint")
            .HasMaxLength(LedgerLimits.FingerprintLength).IsFixedLength().IsUnicode(false).IsRequired();
        LedgerEntryConfiguration.Ordinal(provider, key!, fingerprint!);
        builder.Property(r => r.CreatedAt).HasColumnName("created_at").HasConversion(UtcConverter.Instance);
        builder.HasOne<PurchaseRow>().WithMany().HasForeignKey(r => r.PurchaseId)
            .HasConstraintName("fk_shop_refunds_shop_purchases_purchase_id").OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<LedgerEntry>().WithMany().HasForeignKey(r => r.EntryId)
            .HasConstraintName("fk_shop_refunds_ledger_entries_entry_id").OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(r => r.IdempotencyKey).IsUnique().HasDatabaseName("ux_shop_refunds_idempotency_key");
        builder.HasIndex(r => r.PurchaseId).HasDatabaseName("ix_shop_refunds_purchase_id");
        builder.HasIndex(r => r.EntryId).IsUnique().HasDatabaseName("ux_shop_refunds_entry_id");
    }
}
