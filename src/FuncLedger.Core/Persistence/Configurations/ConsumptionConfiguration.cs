using FuncLedger.Core.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FuncLedger.Core.Persistence.Configurations;

internal sealed class ConsumptionConfiguration(LedgerProvider provider) : IEntityTypeConfiguration<ConsumptionRow>
{
    public void Configure(EntityTypeBuilder<ConsumptionRow> builder)
    {
        builder.ToTable("shop_consumptions", t =>
        {
            t.HasCheckConstraint("ck_shop_consumptions_quantity_positive", "quantity > 0");
            t.HasCheckConstraint("ck_shop_consumptions_remaining_non_negative", "remaining >= 0");
        });
        builder.HasKey(c => c.Id).HasName("pk_shop_consumptions");
        builder.Property(c => c.Id).HasColumnName("id").ValueGeneratedOnAdd();
        builder.Property(c => c.OwnerId).HasColumnName("owner_id");
        var sku = builder.Property(c => c.Sku).HasColumnName("sku").HasMaxLength(ShopLimits.SkuLengthMax).IsUnicode(false);
        builder.Property(c => c.Quantity).HasColumnName("quantity");
        builder.Property(c => c.Remaining).HasColumnName("remaining");
        var key = builder.Property(c => c.IdempotencyKey).HasColumnName("idempotency_key")
            .HasMaxLength(LedgerLimits.IdempotencyKeyColumnLengthMax).IsUnicode(false).IsRequired();
        var fingerprint = builder.Property(c => c.RequestFingerprint).HasColumnName("request_fingerprint")
            .HasMaxLength(LedgerLimits.FingerprintLength).IsFixedLength().IsUnicode(false).IsRequired();
        LedgerEntryConfiguration.Ordinal(provider, sku!, key!, fingerprint!);
        builder.Property(c => c.CreatedAt).HasColumnName("created_at").HasConversion(UtcConverter.Instance);
        builder.HasOne<ShopItemRow>().WithMany().HasForeignKey(c => c.Sku)
            .HasConstraintName("fk_shop_consumptions_shop_items_sku").OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(c => c.IdempotencyKey).IsUnique().HasDatabaseName("ux_shop_consumptions_idempotency_key");
        builder.HasIndex(c => new { c.OwnerId, c.Id }).HasDatabaseName("ix_shop_consumptions_owner_id_id");
    }
}
