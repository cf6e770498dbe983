using FuncLedger.Core.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FuncLedger.Core.Persistence.Configurations;

internal sealed class HoldConfiguration(LedgerProvider provider) : IEntityTypeConfiguration<Hold>
{
    public void Configure(EntityTypeBuilder<Hold> builder)
    {
        builder.ToTable("ledger_holds", t =>
        {
            t.HasCheckConstraint("ck_ledger_holds_amount_positive", "amount > 0");
            t.HasCheckConstraint("ck_ledger_holds_captured", "captured >= 0 AND captured <= amount");
        });
        builder.HasKey(h => h.Id).HasName("pk_ledger_holds");
        builder.Property(h => h.Id).HasColumnName("id").ValueGeneratedOnAdd();
        builder.Property(h => h.WalletId).HasColumnName("wallet_id");
        builder.Property(h => h.Amount).HasColumnName("amount");
        builder.Property(h => h.Status).HasColumnName("status");
        builder.Property(h => h.Captured).HasColumnName("captured");
        builder.Property(h => h.CaptureEntryId).HasColumnName("capture_entry_id");
        builder.Property(h => h.Reason).HasColumnName("reason").HasMaxLength(LedgerLimits.ReasonLengthMax).IsRequired();
        builder.Property(h => h.Meta).HasColumnName("meta").HasMaxLength(LedgerLimits.MetaBytesMax);
        var key = builder.Property(h => h.IdempotencyKey).HasColumnName("idempotency_key")
            .HasMaxLength(LedgerLimits.IdempotencyKeyColumnLengthMax).IsUnicode(false).IsRequired();
        var fingerprint = builder.Property(h => h.RequestFingerprint).HasColumnName("request_fingerprint")
            .HasMaxLength(LedgerLimits.FingerprintLength).IsFixedLength().IsUnicode(false).IsRequired();
        LedgerEntryConfiguration.Ordinal(provider, key!, fingerprint!);
        var closedKey = builder.Property(h => h.ClosedKey).HasColumnName("closed_key")
            .HasMaxLength(LedgerLimits.IdempotencyKeyColumnLengthMax).IsUnicode(false);
        var closedFingerprint = builder.Property(h => h.ClosedFingerprint).HasColumnName("closed_fingerprint")
            .HasMaxLength(LedgerLimits.FingerprintLength).IsFixedLength().IsUnicode(false);
        LedgerEntryConfiguration.Ordinal(provider, closedKey, closedFingerprint);
        var closed = builder.HasIndex(h => h.ClosedKey).IsUnique().HasDatabaseName(Commands.Sql.HoldClosedKeyIndex);
        if (provider == LedgerProvider.SqlServer)
        {
            closed.HasFilter("[closed_key] IS NOT NULL");
        }

        builder.Property(h => h.ExpiresAt).HasColumnName("expires_at").HasConversion(UtcConverter.Instance);
        builder.Property(h => h.CreatedAt).HasColumnName("created_at").HasConversion(UtcConverter.Instance);
        builder.Property(h => h.UpdatedAt).HasColumnName("updated_at").HasConversion(UtcConverter.Instance);
        builder.HasOne<Wallet>().WithMany().HasForeignKey(h => h.WalletId)
            .HasConstraintName("fk_ledger_holds_wallets_wallet_id").OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(h => h.IdempotencyKey).IsUnique().HasDatabaseName(Commands.Sql.HoldKeyIndex);
        // The exact held sum of a wallet (pending, not expired) and the expiry timer's scan.
        builder.HasIndex(h => new { h.WalletId, h.Status, h.ExpiresAt }).HasDatabaseName("ix_ledger_holds_wallet_id_status_expires_at");
        builder.HasIndex(h => new { h.Status, h.ExpiresAt }).HasDatabaseName("ix_ledger_holds_status_expires_at");
    }
}
