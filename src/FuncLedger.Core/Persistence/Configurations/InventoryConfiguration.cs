using FuncLedger.Core.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FuncLedger.Core.Persistence.Configurations;

internal sealed class InventoryConfiguration(LedgerProvider provider) : IEntityTypeConfiguration<InventoryRow>
{
    public void Configure(EntityTypeBuilder<InventoryRow> builder)
    {
        builder.ToTable("shop_inventory", t => t.HasCheckConstraint("ck_shop_inventory_quantity_non_negative", "quantity >= 0"));
        builder.HasKey(i => new { i.OwnerId, i.Sku }).HasName("pk_shop_inventory");
        builder.Property(i => i.OwnerId).HasColumnName("owner_id");
        var sku = builder.Property(i => i.Sku).HasColumnName("sku").HasMaxLength(ShopLimits.SkuLengthMax).IsUnicode(false);
        LedgerEntryConfiguration.Ordinal(provider, sku!);
        builder.Property(i => i.Quantity).HasColumnName("quantity");
        builder.Property(i => i.UpdatedAt).HasColumnName("updated_at").HasConversion(UtcConverter.Instance);
        builder.HasOne<ShopItemRow>().WithMany().HasForeignKey(i => i.Sku)
            .HasConstraintName("fk_shop_inventory_shop_items_sku").OnDelete(DeleteBehavior.Restrict);
    }
}
