namespace FuncLedger.Core.Domain;

/// <summary>Every bound of the coin shop as a named constant (units last in names); inputs outside them are refused at the edge
/// with a typed error before any database work.</summary>
public static class ShopLimits
{
    /// <summary>A sku is 1..64 of <c>[a-z0-9._-]</c>.</summary>
    public const int SkuLengthMax = 64;

    /// <summary>An item's title is required and at most this many UTF-16 characters.</summary>
    public const int TitleLengthMax = 120;

    /// <summary>The most units one item keeps in stock (absent stock is unlimited).</summary>
    public const long StockMax = 1_000_000_000;

    /// <summary>The most units of one item a player may be allowed to buy in all.</summary>
    public const int PerPlayerLimitMax = 1_000_000;

    /// <summary>The most units of one item one purchase buys; the total (price x quantity) is a ledger amount too.</summary>
    public const int QuantityMax = 1_000;

    /// <summary>The most lines (distinct items) of one checkout.</summary>
    public const int CheckoutLinesMax = 20;

    /// <summary>The most pending checkouts one expiry run releases in a transaction.</summary>
    public const int CheckoutExpiryBatchMax = 200;

    /// <summary>A page of items, purchases or inventory: default and bounds.</summary>
    public const int PageLimitDefault = 50;
    public const int PageLimitMax = 200;
}
