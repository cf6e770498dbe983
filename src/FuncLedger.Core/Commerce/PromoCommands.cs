using FuncLedger.Core.Domain;

namespace FuncLedger.Core.Commerce;

/// <summary>One item a campaign grants with its coins.</summary>
public sealed record PromoItem(Sku Sku, int Quantity);

/// <summary>A campaign's terms, checked: a name, the coins each redemption grants, items, or both, a window, a total
/// cap and a per-player cap (1 by default), and an optional shared vanity code.</summary>
public sealed record CampaignTerms
{
    private CampaignTerms(string name, long coins, IReadOnlyList<PromoItem> items, DateTimeOffset? startsAt, DateTimeOffset? endsAt,
        int? maxRedemptions, int perPlayerLimit, string? vanityCode) =>
        (Name, Coins, Items, StartsAt, EndsAt, MaxRedemptions, PerPlayerLimit, VanityCode) =
        (name, coins, items, startsAt, endsAt, maxRedemptions, perPlayerLimit, vanityCode);

    public string Name { get; }

    /// <summary>0 for an items-only campaign (its redemptions write no entry).</summary>
    public long Coins { get; }

    public IReadOnlyList<PromoItem> Items { get; }

    public DateTimeOffset? StartsAt { get; }

    public DateTimeOffset? EndsAt { get; }

    public int? MaxRedemptions { get; }

    public int PerPlayerLimit { get; }

    /// <summary>Upper case, or null.</summary>
    public string? VanityCode { get; }

    public static CampaignTerms Create(string? name, long? coins, IReadOnlyList<PromoItem>? items, DateTimeOffset? startsAt,
        DateTimeOffset? endsAt, int? maxRedemptions, int? perPlayerLimit, string? vanityCode)
    {
        var errors = new List<FieldError>();
        if (string.IsNullOrWhiteSpace(name) || name.Length > PromoLimits.NameLengthMax)
        {
            errors.Add(new FieldError("name", $"A name is 1 to {PromoLimits.NameLengthMax} characters."));
        }

        if (coins is < 0 or > LedgerLimits.AmountMax)
        {
            errors.Add(new FieldError("coins", $"A campaign grants 0 to {LedgerLimits.AmountMax} coins per redemption."));
        }
        else if (coins is null or 0 && items is not { Count: > 0 })
        {
            errors.Add(new FieldError("coins", "A campaign grants coins, items, or both."));
        }

        if (items is { } list && (list.Count > ShopLimits.CheckoutLinesMax || list.Any(i => i.Quantity is < 1 or > ShopLimits.QuantityMax)
            || list.Select(i => i.Sku).Distinct().Count() != list.Count))
        {
            errors.Add(new FieldError("items",
                $"At most {ShopLimits.CheckoutLinesMax} distinct skus of 1 to {ShopLimits.QuantityMax} units."));
        }

        if (maxRedemptions is < 1)
        {
            errors.Add(new FieldError("maxRedemptions", "A total cap is at least 1, or absent."));
        }

        if (perPlayerLimit is < 1 or > PromoLimits.PerPlayerLimitMax)
        {
            errors.Add(new FieldError("perPlayerLimit", $"A per-player cap is 1 to {PromoLimits.PerPlayerLimitMax} (1 by default)."));
        }

        if (startsAt is { } s && endsAt is { } e && e <= s)
        {
            errors.Add(new FieldError("endsAt", "The window ends after it starts."));
        }

        var vanity = vanityCode?.Trim().ToUpperInvariant();
        if (vanity is not null && !PromoCodes.IsVanity(vanity))
        {
            errors.Add(new FieldError("vanityCode",
                $"A vanity code is {PromoLimits.VanityLengthMin} to {PromoLimits.VanityLengthMax} of A-Z, 0-9 and '-'."));
        }

        return errors.Count > 0
            ? throw new LedgerValidationException(errors)
            : new CampaignTerms(name!, coins ?? 0, items ?? [], startsAt, endsAt, maxRedemptions, perPlayerLimit ?? 1,
                vanity);
    }
}

/// <summary>A player's redemption of <paramref name="Code"/> (as typed) under the client's key.</summary>
public sealed record RedeemCommand(OwnerId Owner, string Code, IdempotencyKey Key);

/// <summary>An operator's revocation of a redemption: its coins taken back by the reversal rules (a debit of the player, linked to
/// the credit), the items the player still holds taken back, and, when <see cref="ReleaseSlot"/>, the redemption no longer
/// counted against the caps (the player may redeem the campaign again).</summary>
public sealed record RevokeCommand(long RedemptionId, string Reason, bool ReleaseSlot, IdempotencyKey Key, string Actor)
{
    public static RevokeCommand Create(long redemptionId, string? reason, bool releaseSlot, IdempotencyKey key, string actor) =>
        redemptionId < 1
            ? throw new LedgerValidationException("redemptionId", "A redemption id is a positive integer.")
            : new RevokeCommand(redemptionId, LedgerInput.Reason(reason), releaseSlot, key, actor);
}
