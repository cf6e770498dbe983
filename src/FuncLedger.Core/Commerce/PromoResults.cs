namespace FuncLedger.Core.Commerce;

/// <summary>Units of one sku a campaign grants per redemption.</summary>
public sealed record PromoItemGrant(string Sku, int Quantity);

/// <summary>A campaign's terms and counts: codes issued, redemptions (<paramref name="Revoked"/> of them revoked), and the coins
/// granted (the sum of its entries: credits less revocations).</summary>
public sealed record PromoCampaign(
    long CampaignId, string Name, long Coins, IReadOnlyList<PromoItemGrant> Items, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt,
    int? MaxRedemptions, int PerPlayerLimit, string? VanityCode, bool Active, int CodesIssued, int Redemptions, int Revoked,
    long CoinsGranted, DateTimeOffset CreatedAt);

/// <summary>One campaign's budget line: what its redemptions record (the coins of those not revoked) and what its entries
/// granted (credits less revocations). The two agree unless something wrote around the promo rules.</summary>
public sealed record CampaignBudgetLine(long CampaignId, string Name, int Redemptions, int Revoked, long CoinsRecorded, long CoinsGranted)
{
    public bool Drifts => CoinsRecorded != CoinsGranted;
}

/// <summary>The promo budget, reconciled: a line per campaign with redemptions, the coins granted in all, and the promo entries
/// no redemption names (a credit without its redemption). Consistent when no line drifts and no entry is unlinked.</summary>
public sealed record PromoBudget(IReadOnlyList<CampaignBudgetLine> Campaigns, long CoinsGranted, int UnlinkedEntries)
{
    public bool Consistent => UnlinkedEntries == 0 && !Campaigns.Any(c => c.Drifts);
}

/// <summary>A revocation: the coins taken back (<paramref name="TransactionId"/> the debit, none for an items-only campaign) and
/// whether the redemption's slot was given back.</summary>
public sealed record RevocationResult(
    long RedemptionId, long CampaignId, long OwnerId, long Coins, long? TransactionId, long? BalanceAfter, bool SlotReleased,
    DateTimeOffset RevokedAt, string Reason, string IdempotencyKey)
{
    /// <summary>True when a retry under the key answered the first revocation (nothing was written).</summary>
    public bool Replayed { get; init; }
}

/// <summary>Single-use codes as generated: shown once, never stored in the clear.</summary>
public sealed record GeneratedCodes(long CampaignId, IReadOnlyList<string> Codes);

/// <summary>A redemption: the credit (its entry and the balance after) and the items granted in the same transaction.</summary>
/// <param name="TransactionId">The credit's entry; null for an items-only campaign (no coins, no entry).</param>
public sealed record RedemptionResult(
    long RedemptionId, long CampaignId, long OwnerId, long Coins, IReadOnlyList<PromoItemGrant> Items, long? TransactionId,
    long BalanceAfter, string IdempotencyKey)
{
    /// <summary>True when a retry under the key answered the first redemption (nothing was written).</summary>
    public bool Replayed { get; init; }
}

/// <summary>What a redeem of the code would grant now (a check writes nothing but a failed attempt).</summary>
public sealed record PromoCheck(long CampaignId, string Name, long Coins, IReadOnlyList<PromoItemGrant> Items);
