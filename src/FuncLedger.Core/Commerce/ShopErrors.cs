using FuncLedger.Core.Domain;

namespace FuncLedger.Core.Commerce;

/// <summary>Stable machine codes of the shop's refusals; the HTTP adapter maps them to problem details.</summary>
public static class ShopErrorCodes
{
    public const string ItemNotFound = "item_not_found";
    public const string SkuExists = "sku_exists";
    public const string PriceChanged = "price_changed";
    public const string OutOfStock = "out_of_stock";
    public const string PurchaseLimit = "purchase_limit";
    public const string ItemUnavailable = "item_unavailable";
    public const string PurchaseNotFound = "purchase_not_found";
    public const string RefundExceedsPurchase = "refund_exceeds_purchase";
    public const string ItemConsumed = "item_consumed";
    public const string NotEnoughItems = "not_enough_items";
    public const string CheckoutNotFound = "checkout_not_found";
    public const string CheckoutNotPending = "checkout_not_pending";
    public const string CheckoutExpired = "checkout_expired";
}

/// <summary>No item has this sku.</summary>
public sealed class ItemNotFoundException(string sku)
    : LedgerException(ShopErrorCodes.ItemNotFound, $"No item has sku '{sku}'.");

/// <summary>An item with this sku exists with other terms (creating the same item again answers it).</summary>
public sealed class SkuExistsException(string sku)
    : LedgerException(ShopErrorCodes.SkuExists, $"An item with sku '{sku}' exists with other terms; change it with PUT.");

/// <summary>The price the buyer expected is not the item's price: nothing is charged at a price the buyer did not see.</summary>
public sealed class PriceChangedException(string sku, long price)
    : LedgerException(ShopErrorCodes.PriceChanged, $"The price of '{sku}' is {price} coins.")
{
    public long Price { get; } = price;
}

/// <summary>Fewer units are in stock than the purchase asks for.</summary>
public sealed class OutOfStockException(string sku, long stock)
    : LedgerException(ShopErrorCodes.OutOfStock, $"'{sku}' has {stock} left.")
{
    public long Stock { get; } = stock;
}

/// <summary>The purchase would take the player past the item's per-player limit.</summary>
public sealed class PurchaseLimitException(string sku, int limit, long owned)
    : LedgerException(ShopErrorCodes.PurchaseLimit, $"A player buys at most {limit} of '{sku}'; this one has bought {owned}.");

/// <summary>The item is deactivated or outside its sale window.</summary>
public sealed class ItemUnavailableException(string sku)
    : LedgerException(ShopErrorCodes.ItemUnavailable, $"'{sku}' is not on sale now.");

/// <summary>No purchase has this id.</summary>
public sealed class PurchaseNotFoundException(long purchaseId)
    : LedgerException(ShopErrorCodes.PurchaseNotFound, $"Purchase {purchaseId} does not exist.");

/// <summary>A refund would give back more units than the purchase has left to refund.</summary>
public sealed class RefundExceedsPurchaseException(long purchaseId, int remaining, int requested)
    : LedgerException(ShopErrorCodes.RefundExceedsPurchase,
        $"Purchase {purchaseId} has {remaining} units left to refund; {requested} were requested.");

/// <summary>The player no longer holds the units a refund would take back (a refund with force takes what is left).</summary>
public sealed class ItemConsumedException(long purchaseId, long held, int requested)
    : LedgerException(ShopErrorCodes.ItemConsumed,
        $"The buyer of purchase {purchaseId} holds {held} of the {requested} units; refund with force to take what is left.");

/// <summary>The player holds fewer units of the sku than it would use.</summary>
public sealed class NotEnoughItemsException(string sku, long held, int requested)
    : LedgerException(ShopErrorCodes.NotEnoughItems, $"The player holds {held} of '{sku}'; {requested} would be used.")
{
    public long Held { get; } = held;
}

/// <summary>No checkout has this id.</summary>
public sealed class CheckoutNotFoundException(long checkoutId)
    : LedgerException(ShopErrorCodes.CheckoutNotFound, $"Checkout {checkoutId} does not exist.");

/// <summary>The checkout was confirmed, cancelled or expired already (by another request).</summary>
public sealed class CheckoutNotPendingException(long checkoutId, CheckoutStatus status)
    : LedgerException(ShopErrorCodes.CheckoutNotPending,
        $"Checkout {checkoutId} is {status.ToString().ToLowerInvariant()}, not pending.")
{
    public CheckoutStatus Status { get; } = status;
}

/// <summary>The checkout is past its expiry: its stock went back and its hold no longer holds the coins.</summary>
public sealed class CheckoutExpiredException(long checkoutId)
    : LedgerException(ShopErrorCodes.CheckoutExpired, $"Checkout {checkoutId} has expired.");
