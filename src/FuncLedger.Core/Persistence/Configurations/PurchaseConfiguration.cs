using FuncLedger.Core.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FuncLedger.Core.Persistence.Configurations;

internal sealed class PurchaseConfiguration(LedgerProvider provider) : IEntityTypeConfiguration<PurchaseRow>
{
    public void Configure(EntityTypeBuilder<PurchaseRow> builder)
    {
        builder.ToTable("shop_purchases", t =>
        {
            t.HasCheckConstraint("ck_shop_purchases_quantity_positive", "quantity > 0");
            t.HasCheckConstraint("ck_shop_purchases_total", "total = price * quantity");
            t.HasCheckConstraint("ck_shop_purchases_refunded", "refunded_quantity >= 0 AND refunded_quantity <= quantity");
        });
        builder.HasKey(p => p.Id).HasName("pk_shop_purchases");
        builder.Property(p => p.Id).HasColumnName("id").ValueGeneratedOnAdd();
        builder.Property(p => p.OwnerId).HasColumnName("owner_id");
        builder.Property(p => p.WalletId).HasColumnName("wallet_id");
        var sku = builder.Property(p => p.Sku).HasColumnName("sku").HasMaxLength(ShopLimits.SkuLengthMax).IsUnicode(false).IsRequired();
        builder.Property(p => p.Title).HasColumnName("title").HasMaxLength(ShopLimits.TitleLengthMax).IsRequired();
        builder.Property(p => p.Quantity).HasColumnName("quantity");
        builder.Property(p => p.Price).HasColumnName("price");
        builder.Property(p => p.Total).HasColumnName("total");
        builder.Property(p => p.RefundedQuantity).HasColumnName("refunded_quantity");
        builder.Property(p => p.EntryId).HasColumnName("entry_id");
        var key = builder.Property(p => p.IdempotencyKey).HasColumnName("idempotency_key")
            .HasMaxLength(LedgerLimits.IdempotencyKeyColumnLengthMax).IsUnicode(false).IsRequired();
        LedgerEntryConfiguration.Ordinal(provider, sku!, key!);
        builder.Property(p => p.CreatedAt).HasColumnName("created_at").HasConversion(UtcConverter.Instance);
        builder.HasOne<Wallet>().WithMany().HasForeignKey(p => p.WalletId)
            .HasConstraintName("fk_shop_purchases_wallets_wallet_id").OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<LedgerEntry>().WithMany().HasForeignKey(p => p.EntryId)
            .HasConstraintName("fk_shop_purchases_ledger_entries_entry_id").OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<ShopItemRow>().WithMany().HasForeignKey(p => p.Sku)
            .HasConstraintName("fk_shop_purchases_shop_items_sku").OnDelete(DeleteBehavior.Restrict);
        // A purchase is found by its key through its entry (same key, the entries' unique index): no index of its own on the key.
        builder.HasIndex(p => p.EntryId).IsUnique().HasDatabaseName("ux_shop_purchases_entry_id");
        // An owner's purchases newest first (by the owner's wallet, so the index also serves the wallet's foreign key), and what
        // the owner bought of one item (the per-player limit). The second leads with the sku so it also serves the item's
        // foreign key: an index on the sku alone would put every purchase of a best seller on one hot leaf page. Four indexes
        // with the primary key, where there were six: each purchase writes every one.
        builder.HasIndex(p => new { p.WalletId, p.Id }).HasDatabaseName("ix_shop_purchases_wallet_id_id");
        builder.HasIndex(p => new { p.Sku, p.OwnerId }).HasDatabaseName("ix_shop_purchases_sku_owner_id");
    }
}
