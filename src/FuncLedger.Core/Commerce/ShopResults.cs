namespace FuncLedger.Core.Commerce;

/// <summary>An item as it stands: <see cref="Stock"/> is what is left (null: unlimited); <see cref="Available"/> says whether it
/// is on sale at <see cref="AsOf"/> (active, within its window, and in stock).</summary>
public sealed record ShopItem(
    string Sku, string Title, long Price, long? Stock, int? PerPlayerLimit, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt,
    bool Active, bool Available, string? Meta, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset AsOf)
{
    /// <summary>True when an operator's create found the same item already there (nothing was written).</summary>
    public bool Replayed { get; init; }
}

/// <summary>A page of items in sku order; <see cref="Next"/> is the cursor of the next page (null on the last).</summary>
public sealed record ShopItemPage(IReadOnlyList<ShopItem> Items, string? Next);

/// <summary>A purchase: the price paid is recorded (a later price change never alters it), with the debit's entry.</summary>
public sealed record PurchaseResult(
    long PurchaseId, long OwnerId, string Sku, string Title, int Quantity, long Price, long Total, int RefundedQuantity,
    long TransactionId, long BalanceAfter, string IdempotencyKey, DateTimeOffset CreatedAt)
{
    /// <summary>True when a retry under the key answered the original purchase (nothing was written).</summary>
    public bool Replayed { get; init; }
}

/// <summary>A page of an owner's purchases, newest first; <see cref="Next"/> is the cursor of the next page.</summary>
public sealed record PurchasePage(IReadOnlyList<PurchaseResult> Purchases, string? Next);

/// <summary>One line of a player's inventory.</summary>
public sealed record InventoryLine(string Sku, string Title, long Quantity);

/// <summary>A use of items: the units taken out of the owner's inventory and what it held of the sku right after.</summary>
public sealed record ConsumeResult(long ConsumptionId, long OwnerId, string Sku, int Quantity, long Remaining, string IdempotencyKey)
{
    public bool Replayed { get; init; }
}

/// <summary>A refund: the coins credited back, the units taken from the inventory and returned to stock.</summary>
public sealed record RefundResult(
    long RefundId, long PurchaseId, long OwnerId, string Sku, int Quantity, long Coins, bool Forced, long TransactionId,
    long BalanceAfter, string IdempotencyKey)
{
    public bool Replayed { get; init; }
}

/// <summary>The shop's revenue and its drift check: what purchases debited, what refunds credited back, and the net;
/// <see cref="EntriesNet"/> is the same net summed from the ledger's entries the purchases and refunds wrote;
/// <see cref="InventoryDrift"/> counts inventory lines whose units differ from the units bought, less those refunds took back
/// and those the player used (<see cref="IShop.ConsumeAsync"/>), plus those promo codes granted and their revocations left;
/// <see cref="CheckoutDrift"/> counts checkouts whose hold disagrees
/// (pending with a closed hold, or closed with a pending one). Consistent when the nets agree and nothing drifted.</summary>
public sealed record ShopRevenue(long Purchases, long UnitsSold, long Gross, long Refunded, long Net, long EntriesNet,
    long InventoryDrift = 0, long CheckoutDrift = 0)
{
    public bool Consistent => Net == EntriesNet && InventoryDrift == 0 && CheckoutDrift == 0;
}
