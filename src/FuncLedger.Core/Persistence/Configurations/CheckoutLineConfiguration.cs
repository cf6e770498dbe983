using FuncLedger.Core.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FuncLedger.Core.Persistence.Configurations;

internal sealed class CheckoutLineConfiguration(LedgerProvider provider) : IEntityTypeConfiguration<CheckoutLineRow>
{
    public void Configure(EntityTypeBuilder<CheckoutLineRow> builder)
    {
        builder.ToTable("shop_checkout_lines", t =>
        {
            t.HasCheckConstraint("ck_shop_checkout_lines_quantity_positive", "quantity > 0");
            t.HasCheckConstraint("ck_shop_checkout_lines_price_positive", "price > 0");
        });
        builder.HasKey(l => new { l.CheckoutId, l.Line }).HasName("pk_shop_checkout_lines");
        builder.Property(l => l.CheckoutId).HasColumnName("checkout_id");
        builder.Property(l => l.Line).HasColumnName("line");
        var sku = builder.Property(l => l.Sku).HasColumnName("sku").HasMaxLength(ShopLimits.SkuLengthMax).IsUnicode(false).IsRequired();
        LedgerEntryConfiguration.Ordinal(provider, sku!);
        builder.Property(l => l.Quantity).HasColumnName("quantity");
        builder.Property(l => l.Price).HasColumnName("price");
        builder.Property(l => l.PurchaseId).HasColumnName("purchase_id");
        builder.HasOne<CheckoutRow>().WithMany().HasForeignKey(l => l.CheckoutId)
            .HasConstraintName("fk_shop_checkout_lines_shop_checkouts_checkout_id").OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<ShopItemRow>().WithMany().HasForeignKey(l => l.Sku)
            .HasConstraintName("fk_shop_checkout_lines_shop_items_sku").OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<PurchaseRow>().WithMany().HasForeignKey(l => l.PurchaseId)
            .HasConstraintName("fk_shop_checkout_lines_shop_purchases_purchase_id").OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(l => l.Sku).HasDatabaseName("ix_shop_checkout_lines_sku");
    }
}
