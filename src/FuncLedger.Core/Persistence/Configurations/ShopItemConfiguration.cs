using FuncLedger.Core.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FuncLedger.Core.Persistence.Configurations;

internal sealed class ShopItemConfiguration(LedgerProvider provider) : IEntityTypeConfiguration<ShopItemRow>
{
    public void Configure(EntityTypeBuilder<ShopItemRow> builder)
    {
        builder.ToTable("shop_items", t =>
        {
            t.HasCheckConstraint("ck_shop_items_price_positive", "price > 0");
            // The database refuses an oversold item too: the second half of the pair whose first half is the guarded update.
            t.HasCheckConstraint("ck_shop_items_stock_non_negative", "stock IS NULL OR stock >= 0");
        });
        builder.HasKey(i => i.Sku).HasName("pk_shop_items");
        var sku = builder.Property(i => i.Sku).HasColumnName("sku").HasMaxLength(ShopLimits.SkuLengthMax).IsUnicode(false)
            .ValueGeneratedNever();
        LedgerEntryConfiguration.Ordinal(provider, sku!);
        builder.Property(i => i.Title).HasColumnName("title").HasMaxLength(ShopLimits.TitleLengthMax).IsRequired();
        builder.Property(i => i.Price).HasColumnName("price");
        builder.Property(i => i.Stock).HasColumnName("stock");
        builder.Property(i => i.PerPlayerLimit).HasColumnName("per_player_limit");
        builder.Property(i => i.StartsAt).HasColumnName("starts_at").HasConversion(UtcConverter.Instance);
        builder.Property(i => i.EndsAt).HasColumnName("ends_at").HasConversion(UtcConverter.Instance);
        builder.Property(i => i.Active).HasColumnName("active");
        builder.Property(i => i.Meta).HasColumnName("meta").HasMaxLength(LedgerLimits.MetaBytesMax);
        builder.Property(i => i.CreatedAt).HasColumnName("created_at").HasConversion(UtcConverter.Instance);
        builder.Property(i => i.UpdatedAt).HasColumnName("updated_at").HasConversion(UtcConverter.Instance);
    }
}
