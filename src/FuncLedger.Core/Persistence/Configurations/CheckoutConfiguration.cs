using FuncLedger.Core.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FuncLedger.Core.Persistence.Configurations;

internal sealed class CheckoutConfiguration(LedgerProvider provider) : IEntityTypeConfiguration<CheckoutRow>
{
    public void Configure(EntityTypeBuilder<CheckoutRow> builder)
    {
        builder.ToTable("shop_checkouts", t => t.HasCheckConstraint("ck_shop_checkouts_total_positive", "total > 0"));
        builder.HasKey(c => c.Id).HasName("pk_shop_checkouts");
        builder.Property(c => c.Id).HasColumnName("id").ValueGeneratedOnAdd();
        builder.Property(c => c.OwnerId).HasColumnName("owner_id");
        builder.Property(c => c.WalletId).HasColumnName("wallet_id");
        builder.Property(c => c.HoldId).HasColumnName("hold_id");
        builder.Property(c => c.Total).HasColumnName("total");
        builder.Property(c => c.Status).HasColumnName("status");
        builder.Property(c => c.ExpiresAt).HasColumnName("expires_at").HasConversion(UtcConverter.Instance);
        var key = builder.Property(c => c.IdempotencyKey).HasColumnName("idempotency_key")
            .HasMaxLength(LedgerLimits.IdempotencyKeyColumnLengthMax).IsUnicode(false).IsRequired();
        var fingerprint = builder.Property(c => c.RequestFingerprint).HasColumnName("request_fingerprint")
            .HasMaxLength(LedgerLimits.FingerprintLength).IsFixedLength().IsUnicode(false).IsRequired();
        var closed = builder.Property(c => c.ClosedKey).HasColumnName("closed_key")
            .HasMaxLength(LedgerLimits.IdempotencyKeyColumnLengthMax).IsUnicode(false);
        LedgerEntryConfiguration.Ordinal(provider, key!, fingerprint!, closed);
        builder.Property(c => c.CreatedAt).HasColumnName("created_at").HasConversion(UtcConverter.Instance);
        builder.Property(c => c.UpdatedAt).HasColumnName("updated_at").HasConversion(UtcConverter.Instance);
        builder.HasOne<Wallet>().WithMany().HasForeignKey(c => c.WalletId)
            .HasConstraintName("fk_shop_checkouts_wallets_wallet_id").OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Hold>().WithMany().HasForeignKey(c => c.HoldId)
            .HasConstraintName("fk_shop_checkouts_ledger_holds_hold_id").OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(c => c.IdempotencyKey).IsUnique().HasDatabaseName("ux_shop_checkouts_idempotency_key");
        builder.HasIndex(c => c.HoldId).IsUnique().HasDatabaseName("ux_shop_checkouts_hold_id");
        // The expiry timer's scan, and an owner's pending checkouts (the per-player limit counts their units).
        builder.HasIndex(c => new { c.Status, c.ExpiresAt }).HasDatabaseName("ix_shop_checkouts_status_expires_at");
        builder.HasIndex(c => new { c.OwnerId, c.Status }).HasDatabaseName("ix_shop_checkouts_owner_id_status");
    }
}
