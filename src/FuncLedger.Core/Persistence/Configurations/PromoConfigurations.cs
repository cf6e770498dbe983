using FuncLedger.Core.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FuncLedger.Core.Persistence.Configurations;

internal sealed class PromoCampaignConfiguration(LedgerProvider provider) : IEntityTypeConfiguration<PromoCampaignRow>
{
    public void Configure(EntityTypeBuilder<PromoCampaignRow> builder)
    {
        builder.ToTable("promo_campaigns", t =>
        {
            t.HasCheckConstraint("ck_promo_campaigns_coins", "coins >= 0");
            t.HasCheckConstraint("ck_promo_campaigns_redemptions",
                "redemptions >= 0 AND (max_redemptions IS NULL OR redemptions <= max_redemptions)");
            t.HasCheckConstraint("ck_promo_campaigns_per_player_limit_positive", "per_player_limit > 0");
        });
        builder.HasKey(c => c.Id).HasName("pk_promo_campaigns");
        builder.Property(c => c.Id).HasColumnName("id").ValueGeneratedOnAdd();
        builder.Property(c => c.Name).HasColumnName("name").HasMaxLength(PromoLimits.NameLengthMax).IsRequired();
        builder.Property(c => c.Coins).HasColumnName("coins");
        builder.Property(c => c.Items).HasColumnName("items").HasMaxLength(LedgerLimits.MetaBytesMax);
        builder.Property(c => c.StartsAt).HasColumnName("starts_at").HasConversion(UtcConverter.Instance);
        builder.Property(c => c.EndsAt).HasColumnName("ends_at").HasConversion(UtcConverter.Instance);
        builder.Property(c => c.MaxRedemptions).HasColumnName("max_redemptions");
        builder.Property(c => c.PerPlayerLimit).HasColumnName("per_player_limit");
        var vanity = builder.Property(c => c.VanityCode).HasColumnName("vanity_code").HasMaxLength(PromoLimits.VanityLengthMax)
            .IsUnicode(false);
        LedgerEntryConfiguration.Ordinal(provider, vanity);
        builder.Property(c => c.Active).HasColumnName("active");
        builder.Property(c => c.Redemptions).HasColumnName("redemptions");
        builder.Property(c => c.CodesIssued).HasColumnName("codes_issued");
        builder.Property(c => c.CreatedAt).HasColumnName("created_at").HasConversion(UtcConverter.Instance);
        builder.Property(c => c.UpdatedAt).HasColumnName("updated_at").HasConversion(UtcConverter.Instance);
        // A vanity code names one active campaign: a redeem finds it by this index.
        builder.HasIndex(c => c.VanityCode).IsUnique().HasDatabaseName("ux_promo_campaigns_active_vanity_code")
            .HasFilter(provider == LedgerProvider.SqlServer
                ? "[active] = 1 AND [vanity_code] IS NOT NULL"
                : "active AND vanity_code IS NOT NULL");
    }
}

internal sealed class PromoCodeConfiguration(LedgerProvider provider) : IEntityTypeConfiguration<PromoCodeRow>
{
    public void Configure(EntityTypeBuilder<PromoCodeRow> builder)
    {
        builder.ToTable("promo_codes");
        builder.HasKey(c => c.Hash).HasName("pk_promo_codes");
        var hash = builder.Property(c => c.Hash).HasColumnName("code_hash").HasMaxLength(LedgerLimits.FingerprintLength)
            .IsFixedLength().IsUnicode(false);
        LedgerEntryConfiguration.Ordinal(provider, hash!);
        builder.Property(c => c.CampaignId).HasColumnName("campaign_id");
        builder.Property(c => c.RedemptionId).HasColumnName("redemption_id");
        builder.Property(c => c.CreatedAt).HasColumnName("created_at").HasConversion(UtcConverter.Instance);
        builder.HasOne<PromoCampaignRow>().WithMany().HasForeignKey(c => c.CampaignId)
            .HasConstraintName("fk_promo_codes_promo_campaigns_campaign_id").OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(c => c.CampaignId).HasDatabaseName("ix_promo_codes_campaign_id");
    }
}

internal sealed class PromoRedemptionConfiguration(LedgerProvider provider) : IEntityTypeConfiguration<PromoRedemptionRow>
{
    public void Configure(EntityTypeBuilder<PromoRedemptionRow> builder)
    {
        builder.ToTable("promo_redemptions", t =>
        {
            t.HasCheckConstraint("ck_promo_redemptions_coins", "coins >= 0");
            t.HasCheckConstraint("ck_promo_redemptions_entry", "(coins = 0 AND entry_id IS NULL) OR (coins > 0 AND entry_id IS NOT NULL)");
        });
        builder.HasKey(r => r.Id).HasName("pk_promo_redemptions");
        builder.Property(r => r.Id).HasColumnName("id").ValueGeneratedOnAdd();
        builder.Property(r => r.CampaignId).HasColumnName("campaign_id");
        builder.Property(r => r.OwnerId).HasColumnName("owner_id");
        builder.Property(r => r.WalletId).HasColumnName("wallet_id");
        var hash = builder.Property(r => r.CodeHash).HasColumnName("code_hash").HasMaxLength(LedgerLimits.FingerprintLength)
            .IsFixedLength().IsUnicode(false);
        var key = builder.Property(r => r.IdempotencyKey).HasColumnName("idempotency_key")
            .HasMaxLength(LedgerLimits.IdempotencyKeyColumnLengthMax).IsUnicode(false).IsRequired();
        var revokeKey = builder.Property(r => r.RevokeIdempotencyKey).HasColumnName("revoke_idempotency_key")
            .HasMaxLength(LedgerLimits.IdempotencyKeyColumnLengthMax).IsUnicode(false);
        LedgerEntryConfiguration.Ordinal(provider, hash, key!, revokeKey);
        builder.Property(r => r.Coins).HasColumnName("coins");
        builder.Property(r => r.EntryId).HasColumnName("entry_id");
        builder.Property(r => r.CreatedAt).HasColumnName("created_at").HasConversion(UtcConverter.Instance);
        builder.Property(r => r.RevokedAt).HasColumnName("revoked_at").HasConversion(UtcConverter.Instance);
        builder.Property(r => r.RevokedBy).HasColumnName("revoked_by").HasMaxLength(WalletChanges.ActorLengthMax);
        builder.Property(r => r.RevokeReason).HasColumnName("revoke_reason").HasMaxLength(LedgerLimits.ReasonLengthMax);
        builder.Property(r => r.ReversalEntryId).HasColumnName("reversal_entry_id");
        builder.Property(r => r.SlotReleased).HasColumnName("slot_released");
        builder.HasOne<PromoCampaignRow>().WithMany().HasForeignKey(r => r.CampaignId)
            .HasConstraintName("fk_promo_redemptions_promo_campaigns_campaign_id").OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<LedgerEntry>().WithMany().HasForeignKey(r => r.EntryId)
            .HasConstraintName("fk_promo_redemptions_ledger_entries_entry_id").OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(r => r.IdempotencyKey).IsUnique().HasDatabaseName("ux_promo_redemptions_idempotency_key");
        builder.HasOne<LedgerEntry>().WithMany().HasForeignKey(r => r.ReversalEntryId)
            .HasConstraintName("fk_promo_redemptions_ledger_entries_reversal_entry_id").OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(r => r.EntryId).IsUnique().HasDatabaseName("ux_promo_redemptions_entry_id")
            .HasFilter(provider == LedgerProvider.SqlServer ? "[entry_id] IS NOT NULL" : "entry_id IS NOT NULL");
        // A revocation's replay finds it by the client's key (one revocation per key).
        builder.HasIndex(r => r.RevokeIdempotencyKey).IsUnique().HasDatabaseName("ux_promo_redemptions_revoke_idempotency_key")
            .HasFilter(provider == LedgerProvider.SqlServer
                ? "[revoke_idempotency_key] IS NOT NULL"
                : "revoke_idempotency_key IS NOT NULL");
        // What one player redeemed of one campaign (the per-player cap, counted under the player's wallet lock).
        builder.HasIndex(r => new { r.CampaignId, r.OwnerId }).HasDatabaseName("ix_promo_redemptions_campaign_id_owner_id");
    }
}

internal sealed class PromoAttemptConfiguration : IEntityTypeConfiguration<PromoAttemptRow>
{
    public void Configure(EntityTypeBuilder<PromoAttemptRow> builder)
    {
        builder.ToTable("promo_attempts");
        builder.HasKey(a => a.Id).HasName("pk_promo_attempts");
        builder.Property(a => a.Id).HasColumnName("id").ValueGeneratedOnAdd();
        builder.Property(a => a.OwnerId).HasColumnName("owner_id");
        builder.Property(a => a.Refusal).HasColumnName("refusal").HasMaxLength(40).IsUnicode(false).IsRequired();
        builder.Property(a => a.CreatedAt).HasColumnName("created_at").HasConversion(UtcConverter.Instance);
        builder.HasIndex(a => new { a.OwnerId, a.CreatedAt }).HasDatabaseName("ix_promo_attempts_owner_id_created_at");
    }
}

internal sealed class PromoGrantConfiguration(LedgerProvider provider) : IEntityTypeConfiguration<PromoGrantRow>
{
    public void Configure(EntityTypeBuilder<PromoGrantRow> builder)
    {
        builder.ToTable("promo_grants", t =>
        {
            t.HasCheckConstraint("ck_promo_grants_quantity_positive", "quantity > 0");
            t.HasCheckConstraint("ck_promo_grants_taken", "taken IS NULL OR (taken >= 0 AND taken <= quantity)");
        });
        builder.HasKey(g => g.Id).HasName("pk_promo_grants");
        builder.Property(g => g.Id).HasColumnName("id").ValueGeneratedOnAdd();
        builder.Property(g => g.RedemptionId).HasColumnName("redemption_id");
        builder.Property(g => g.OwnerId).HasColumnName("owner_id");
        var sku = builder.Property(g => g.Sku).HasColumnName("sku").HasMaxLength(ShopLimits.SkuLengthMax).IsUnicode(false);
        LedgerEntryConfiguration.Ordinal(provider, sku!);
        builder.Property(g => g.Quantity).HasColumnName("quantity");
        builder.Property(g => g.Taken).HasColumnName("taken");
        builder.HasOne<PromoRedemptionRow>().WithMany().HasForeignKey(g => g.RedemptionId)
            .HasConstraintName("fk_promo_grants_promo_redemptions_redemption_id").OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<ShopItemRow>().WithMany().HasForeignKey(g => g.Sku)
            .HasConstraintName("fk_promo_grants_shop_items_sku").OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(g => g.RedemptionId).HasDatabaseName("ix_promo_grants_redemption_id");
        builder.HasIndex(g => new { g.OwnerId, g.Sku }).HasDatabaseName("ix_promo_grants_owner_id_sku");
    }
}
