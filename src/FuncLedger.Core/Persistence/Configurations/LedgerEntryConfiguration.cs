using FuncLedger.Core.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FuncLedger.Core.Persistence.Configurations;

internal sealed class LedgerEntryConfiguration(LedgerProvider provider) : IEntityTypeConfiguration<LedgerEntry>
{
    public const string ImmutableEntriesTrigger = "trg_ledger_entries_immutable";

    /// <summary>SQL Server's binary collation for keys: ordinal comparison, whatever the database's default.</summary>
    public const string BinaryCollation = "Latin1_General_100_BIN2";

    /// <summary>Keys and fingerprints compare byte for byte, as the core compares them (ordinal): under Azure SQL's default
    /// case-insensitive collation `order-a` and `Order-A` would be one key to the unique index and two to the replay check.
    /// Every table holding keys (entries, kept refusals, holds) uses this.</summary>
    internal static void Ordinal(LedgerProvider provider, params PropertyBuilder<string?>[] columns)
    {
        if (provider == LedgerProvider.SqlServer)
        {
            foreach (var column in columns)
            {
                column.UseCollation(BinaryCollation);
            }
        }
    }

    public void Configure(EntityTypeBuilder<LedgerEntry> builder)
    {
        builder.ToTable("ledger_entries", t =>
        {
            t.HasCheckConstraint("ck_ledger_entries_amount_non_zero", "amount <> 0");
            // Entries are immutable: a trigger refuses UPDATE and DELETE (see the migrations).
            t.HasTrigger(ImmutableEntriesTrigger);
        });
        builder.HasKey(e => e.Id).HasName("pk_ledger_entries");
        builder.Property(e => e.Id).HasColumnName("id").ValueGeneratedOnAdd();
        builder.Property(e => e.WalletId).HasColumnName("wallet_id");
        builder.Property(e => e.Amount).HasColumnName("amount");
        builder.Property(e => e.BalanceAfter).HasColumnName("balance_after");
        builder.Property(e => e.Reason).HasColumnName("reason").HasMaxLength(LedgerLimits.ReasonLengthMax).IsRequired();
        var idempotencyKey = builder.Property(e => e.IdempotencyKey).HasColumnName("idempotency_key")
            .HasMaxLength(LedgerLimits.IdempotencyKeyColumnLengthMax).IsUnicode(false);
        var fingerprint = builder.Property(e => e.RequestFingerprint).HasColumnName("request_fingerprint")
            .HasMaxLength(LedgerLimits.FingerprintLength).IsFixedLength().IsUnicode(false);
        Ordinal(provider, idempotencyKey, fingerprint);
        builder.Property(e => e.Meta).HasColumnName("meta").HasMaxLength(LedgerLimits.MetaBytesMax);
        builder.Property(e => e.CreatedAt).HasColumnName("created_at").HasConversion(UtcConverter.Instance);
        builder.Property(e => e.Source).HasColumnName("source").HasConversion<short>().HasDefaultValue(EntrySource.Unrecorded);

        builder.HasOne<Wallet>().WithMany().HasForeignKey(e => e.WalletId)
            .HasConstraintName("fk_ledger_entries_wallets_wallet_id").OnDelete(DeleteBehavior.Restrict);

        var key = builder.HasIndex(e => e.IdempotencyKey).IsUnique().HasDatabaseName("ux_ledger_entries_idempotency_key");
        if (provider == LedgerProvider.SqlServer)
        {
            key.HasFilter("[idempotency_key] IS NOT NULL");
        }

        builder.HasIndex(e => new { e.WalletId, e.CreatedAt }).HasDatabaseName("ix_ledger_entries_wallet_id_created_at");
        builder.HasIndex(e => new { e.WalletId, e.Id }).HasDatabaseName("ix_ledger_entries_wallet_id_id");
    }
}
