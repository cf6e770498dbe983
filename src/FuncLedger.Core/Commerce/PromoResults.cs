namespace FuncLedger.Core.Commerce;

/// <summary>Units of one sku a campaign grants per redemption.</summary>
public sealed record PromoItemGrant(string Sku, int Quantity);

/// <summary>A campaign's terms and counts: codes issued, redemptions, and the coins granted (the sum of its entries).</summary>
public sealed record PromoCampaign(
    long CampaignId, string Name, long Coins, IReadOnlyList<PromoItemGrant> Items, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt,
    int? MaxRedemptions, int PerPlayerLimit, string? VanityCode, bool Active, int CodesIssued, int Redemptions, long CoinsGranted,
    DateTimeOffset CreatedAt);

/// <summary>Single-use codes as generated: shown once, never stored in the clear.</summary>
public sealed record GeneratedCodes(long CampaignId, IReadOnlyList<string> Codes);

/// <summary>A redemption: the credit (its entry and the balance after) and the items granted in the same transaction.</summary>
public sealed record RedemptionResult(
    long RedemptionId, long CampaignId, long OwnerId, long Coins, IReadOnlyList<PromoItemGrant> Items, long TransactionId,
    long BalanceAfter, string IdempotencyKey)
{
    /// <summary>True when a retry under the key answered the first redemption (nothing was written).</summary>
    public bool Replayed { get; init; }
}

/// <summary>What a redeem of the code would grant now (a check writes nothing but a failed attempt).</summary>
public sealed record PromoCheck(long CampaignId, string Name, long Coins, IReadOnlyList<PromoItemGrant> Items);
