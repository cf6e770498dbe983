namespace FuncLedger.Core.Persistence;

/// <summary>A redemption: the campaign, the player, the credit entry, the code used (its hash, for a single-use code).</summary>
internal sealed class PromoRedemptionRow
{
    public long Id { get; set; }

    public long CampaignId { get; set; }

    public long OwnerId { get; set; }

    public long WalletId { get; set; }

    public string? CodeHash { get; set; }

    public long Coins { get; set; }

    public long EntryId { get; set; }

    public string IdempotencyKey { get; set; } = "";

    public DateTime CreatedAt { get; set; }
}
