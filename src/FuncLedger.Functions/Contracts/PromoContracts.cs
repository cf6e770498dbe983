using FuncLedger.Core.Commerce;

namespace FuncLedger.Functions.Contracts;

/// <summary>One item a campaign grants per redemption.</summary>
public sealed record PromoItemContract(string Sku, int Quantity)
{
    internal static IReadOnlyList<PromoItemContract> Of(IReadOnlyList<PromoItemGrant> items) =>
        [.. items.Select(i => new PromoItemContract(i.Sku, i.Quantity))];
}

/// <summary>Body of <c>POST ops/promo/campaigns</c>: the reward (coins, and items beside them), the window, the caps
/// (<c>perPlayerLimit</c> 1 when absent) and an optional shared vanity code.</summary>
public sealed record CampaignRequest(
    string? Name, long? Coins, IReadOnlyList<PromoItemContract>? Items, string? StartsAt, string? EndsAt, int? MaxRedemptions,
    int? PerPlayerLimit, string? VanityCode);

/// <summary>A campaign's terms and counts; <c>coinsGranted</c> is the sum of its redemptions' entries (credits less
/// revocations).</summary>
public sealed record CampaignResponse(
    long CampaignId, string Name, long Coins, IReadOnlyList<PromoItemContract> Items, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt,
    int? MaxRedemptions, int PerPlayerLimit, string? VanityCode, bool Active, int CodesIssued, int Redemptions, int Revoked,
    long CoinsGranted, DateTimeOffset CreatedAt)
{
    public static CampaignResponse From(PromoCampaign c) => new(c.CampaignId, c.Name, c.Coins, PromoItemContract.Of(c.Items), c.StartsAt,
        c.EndsAt, c.MaxRedemptions, c.PerPlayerLimit, c.VanityCode, c.Active, c.CodesIssued, c.Redemptions, c.Revoked, c.CoinsGranted,
        c.CreatedAt);
}

/// <summary>Body of <c>POST ops/promo/campaigns/{campaignId}/codes</c>.</summary>
public sealed record GenerateCodesRequest(int? Count);

/// <summary>Single-use codes, answered once: the database keeps only their hashes.</summary>
public sealed record GeneratedCodesResponse(long CampaignId, int Count, IReadOnlyList<string> Codes);

/// <summary>Body of <c>POST wallets/{ownerId}/promo-redemptions</c>.</summary>
public sealed record RedeemRequest(string? Code, string? IdempotencyKey);

/// <summary>A redemption: the coins credited (the entry and the balance after) and the items granted.</summary>
public sealed record RedemptionResponse(
    long RedemptionId, long CampaignId, long OwnerId, long Coins, IReadOnlyList<PromoItemContract> Items, long? TransactionId,
    long BalanceAfter, string IdempotencyKey)
{
    public static RedemptionResponse From(RedemptionResult r) => new(r.RedemptionId, r.CampaignId, r.OwnerId, r.Coins,
        PromoItemContract.Of(r.Items), r.TransactionId, r.BalanceAfter, r.IdempotencyKey);
}

/// <summary>What a redeem would grant now.</summary>
public sealed record PromoCheckResponse(long CampaignId, string Name, long Coins, IReadOnlyList<PromoItemContract> Items)
{
    public static PromoCheckResponse From(PromoCheck c) => new(c.CampaignId, c.Name, c.Coins, PromoItemContract.Of(c.Items));
}

/// <summary>Body of <c>POST ops/promo-redemptions/{redemptionId}/revoke</c>: why, and whether the player's slot is given back
/// (false when absent).</summary>
public sealed record RevokeRequest(string? Reason, bool? ReleaseSlot, string? IdempotencyKey);

/// <summary>A revocation: the coins taken back (the debit's entry and the balance after; none for an items-only campaign).</summary>
public sealed record RevocationResponse(
    long RedemptionId, long CampaignId, long OwnerId, long Coins, long? TransactionId, long? BalanceAfter, bool SlotReleased,
    DateTimeOffset RevokedAt, string Reason, string IdempotencyKey)
{
    public static RevocationResponse From(RevocationResult r) => new(r.RedemptionId, r.CampaignId, r.OwnerId, r.Coins, r.TransactionId,
        r.BalanceAfter, r.SlotReleased, r.RevokedAt, r.Reason, r.IdempotencyKey);
}

/// <summary>One campaign's budget line.</summary>
public sealed record CampaignBudgetResponse(
    long CampaignId, string Name, int Redemptions, int Revoked, long CoinsRecorded, long CoinsGranted, bool Drifts);

/// <summary>The promo budget reconciled: a line per campaign with redemptions, the coins granted in all, the promo entries no
/// redemption names, and whether it all agrees.</summary>
public sealed record PromoBudgetResponse(
    IReadOnlyList<CampaignBudgetResponse> Campaigns, long CoinsGranted, int UnlinkedEntries, bool Consistent)
{
    public static PromoBudgetResponse From(PromoBudget b) => new(
        [.. b.Campaigns.Select(c => new CampaignBudgetResponse(c.CampaignId, c.Name, c.Redemptions, c.Revoked, c.CoinsRecorded,
            c.CoinsGranted, c.Drifts))], b.CoinsGranted, b.UnlinkedEntries, b.Consistent);
}
