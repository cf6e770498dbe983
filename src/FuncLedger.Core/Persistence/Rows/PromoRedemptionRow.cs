namespace FuncLedger.Core.Persistence;

/// <summary>A redemption: the campaign, the player, the credit entry (none for an items-only campaign), the code used (its hash,
/// for a single-use code); once revoked, when, by whom, why, the entry that took the coins back and whether the slot was
/// given back (a released redemption no longer counts against the caps).</summary>
internal sealed class PromoRedemptionRow
{
    public long Id { get; set; }

    public long CampaignId { get; set; }

    public long OwnerId { get; set; }

    public long WalletId { get; set; }

    public string? CodeHash { get; set; }

    public long Coins { get; set; }

    public long? EntryId { get; set; }

    public string IdempotencyKey { get; set; } = "";

    public DateTime CreatedAt { get; set; }

    public DateTime? RevokedAt { get; set; }

    public string? RevokedBy { get; set; }

    public string? RevokeReason { get; set; }

    public string? RevokeIdempotencyKey { get; set; }

    public long? ReversalEntryId { get; set; }

    public bool SlotReleased { get; set; }
}
