using FuncLedger.Core.Domain;

namespace FuncLedger.Core.Commerce;

/// <summary>An item's terms as an operator sets them (create, or replace with PUT). <paramref name="Stock"/> null is unlimited;
/// <paramref name="PerPlayerLimit"/> null is none; the window is [<paramref name="StartsAt"/>, <paramref name="EndsAt"/>).</summary>
public sealed record ItemTerms(
    string Title, Coins Price, long? Stock, int? PerPlayerLimit, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt, string? Meta)
{
    /// <summary>Checked terms, or a <see cref="LedgerValidationException"/> naming every bad field.</summary>
    public static ItemTerms Create(string? title, Coins price, long? stock, int? perPlayerLimit, DateTimeOffset? startsAt,
        DateTimeOffset? endsAt, string? meta)
    {
        var errors = new List<FieldError>();
        if (string.IsNullOrWhiteSpace(title) || title.Length > ShopLimits.TitleLengthMax)
        {
            errors.Add(new FieldError("title", $"A title is 1 to {ShopLimits.TitleLengthMax} characters."));
        }

        if (stock is < 0 or > ShopLimits.StockMax)
        {
            errors.Add(new FieldError("stock", $"Stock is 0 to {ShopLimits.StockMax}, or absent for unlimited."));
        }

        if (perPlayerLimit is < 1 or > ShopLimits.PerPlayerLimitMax)
        {
            errors.Add(new FieldError("perPlayerLimit", $"A per-player limit is 1 to {ShopLimits.PerPlayerLimitMax}, or absent."));
        }

        if (startsAt is { } s && endsAt is { } e && e <= s)
        {
            errors.Add(new FieldError("endsAt", "The window ends after it starts."));
        }

        return errors.Count > 0
            ? throw new LedgerValidationException(errors)
            : new ItemTerms(title!, price, stock, perPlayerLimit, startsAt, endsAt, LedgerInput.Meta(meta));
    }
}

/// <summary>A purchase: <paramref name="Quantity"/> units of <paramref name="Sku"/> at the price the buyer saw, under the
/// client's key (every purchase is keyed: a retry never charges twice).</summary>
public sealed record PurchaseCommand(OwnerId Owner, Sku Sku, int Quantity, Coins ExpectedPrice, IdempotencyKey Key)
{
    /// <summary>The command, or a <see cref="LedgerValidationException"/> for a quantity outside
    /// 1..<see cref="ShopLimits.QuantityMax"/> or an <see cref="InvalidAmountException"/> for a total above the ledger's bound.</summary>
    public static PurchaseCommand Create(OwnerId owner, Sku sku, int quantity, Coins expectedPrice, IdempotencyKey key)
    {
        if (quantity is < 1 or > ShopLimits.QuantityMax)
        {
            throw new LedgerValidationException("quantity", $"A purchase buys 1 to {ShopLimits.QuantityMax} units.");
        }

        _ = Coins.From(checked(expectedPrice.Value * quantity));
        return new PurchaseCommand(owner, sku, quantity, expectedPrice, key);
    }

    /// <summary>The coins the purchase debits.</summary>
    public long Total => Coins.From(checked(ExpectedPrice.Value * Quantity)).Value;
}

/// <summary>An operator's refund of a purchase (all units left, or <paramref name="Quantity"/>), under the operator's key;
/// <paramref name="Force"/> refunds even when the player no longer holds the units (recorded on the refund).</summary>
public sealed record RefundCommand(long PurchaseId, string Reason, int? Quantity, bool Force, IdempotencyKey Key, string Actor)
{
    public static RefundCommand Create(long purchaseId, string? reason, int? quantity, bool force, IdempotencyKey key, string actor)
    {
        if (quantity is < 1 or > ShopLimits.QuantityMax)
        {
            throw new LedgerValidationException("quantity",
                $"A refund gives back 1 to {ShopLimits.QuantityMax} units, or all when absent.");
        }

        return new RefundCommand(purchaseId, LedgerInput.Reason(reason), quantity, force, key, actor);
    }
}

/// <summary>A player's use of <paramref name="Quantity"/> units it holds of <paramref name="Sku"/> (a game consumed them).
/// </summary>
public sealed record ConsumeCommand(OwnerId Owner, Sku Sku, int Quantity, IdempotencyKey Key)
{
    public static ConsumeCommand Create(OwnerId owner, Sku sku, int quantity, IdempotencyKey key) =>
        quantity is < 1 or > ShopLimits.QuantityMax
            ? throw new LedgerValidationException("quantity", $"A player uses 1 to {ShopLimits.QuantityMax} units at a time.")
            : new ConsumeCommand(owner, sku, quantity, key);
}

/// <summary>A page request: at most <paramref name="Limit"/> rows after the opaque <paramref name="Cursor"/>.</summary>
public sealed record ShopPage(int Limit = ShopLimits.PageLimitDefault, string? Cursor = null)
{
    public static ShopPage Create(int? limit, string? cursor) => limit is < 1 or > ShopLimits.PageLimitMax
        ? throw new LedgerValidationException("limit", $"A page holds 1 to {ShopLimits.PageLimitMax} rows.")
        : new ShopPage(limit ?? ShopLimits.PageLimitDefault, string.IsNullOrEmpty(cursor) ? null : cursor);
}
