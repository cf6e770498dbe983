using FuncLedger.Core.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FuncLedger.Core.Persistence.Configurations;

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
