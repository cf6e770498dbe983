using System.Text.Json;
using FuncLedger.Core.Commerce;

namespace FuncLedger.Functions.Contracts;

/// <summary>Body of <c>POST ops/shop/items</c> (with <c>sku</c>) and <c>PUT ops/shop/items/{sku}</c> (without): an item's
/// terms. <c>stock</c> absent is unlimited; <c>startsAt</c>/<c>endsAt</c> are ISO 8601 instants with their offset.</summary>
public sealed record ShopItemRequest(
    string? Sku, string? Title, long? Price, long? Stock, int? PerPlayerLimit, string? StartsAt, string? EndsAt, JsonElement? Meta);

/// <summary>Body of <c>POST wallets/{ownerId}/purchases</c>: what to buy at the price the buyer saw.</summary>
public sealed record PurchaseRequest(string? Sku, int? Quantity, long? ExpectedPrice, string? IdempotencyKey);

/// <summary>Body of <c>POST wallets/{ownerId}/inventory/{sku}/consume</c>: the units the player uses.</summary>
public sealed record ConsumeRequest(int? Quantity, string? IdempotencyKey);

/// <summary>A use of items: the units taken out of the inventory and what the player holds of the sku right after.</summary>
public sealed record ConsumptionResponse(long ConsumptionId, long OwnerId, string Sku, int Quantity, long Remaining, string IdempotencyKey)
{
    public static ConsumptionResponse From(ConsumeResult r) => new(r.ConsumptionId, r.OwnerId, r.Sku, r.Quantity, r.Remaining,
        r.IdempotencyKey);
}

/// <summary>Body of <c>POST ops/purchases/{purchaseId}/refund</c>: the operator's reason; units (all left when absent); force
/// refunds units the player no longer holds.</summary>
public sealed record RefundRequest(string? Reason, int? Quantity, bool? Force, string? IdempotencyKey);

/// <summary>An item: <c>stock</c> is what is left (absent: unlimited); <c>available</c> says whether it is on sale now.</summary>
public sealed record ShopItemResponse(
    string Sku, string Title, long Price, long? Stock, int? PerPlayerLimit, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt,
    bool Active, bool Available, JsonElement? Meta, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static ShopItemResponse From(ShopItem i) => new(i.Sku, i.Title, i.Price, i.Stock, i.PerPlayerLimit, i.StartsAt, i.EndsAt,
        i.Active, i.Available, i.Meta is null ? null : JsonDocument.Parse(i.Meta).RootElement.Clone(), i.CreatedAt, i.UpdatedAt);
}

/// <summary>A page of items in sku order; <c>nextCursor</c> fetches the next page (absent on the last).</summary>
public sealed record ShopItemsResponse(IReadOnlyList<ShopItemResponse> Items, string? NextCursor)
{
    public static ShopItemsResponse From(ShopItemPage page) => new([.. page.Items.Select(ShopItemResponse.From)], page.Next);
}

/// <summary>A purchase: the price paid, the total debited, the debit's transaction and the balance right after it.</summary>
public sealed record PurchaseResponse(
    long PurchaseId, long OwnerId, string Sku, string Title, int Quantity, long Price, long Total, int RefundedQuantity,
    long TransactionId, long BalanceAfter, string IdempotencyKey, DateTimeOffset CreatedAt)
{
    public static PurchaseResponse From(PurchaseResult p) => new(p.PurchaseId, p.OwnerId, p.Sku, p.Title, p.Quantity, p.Price, p.Total,
        p.RefundedQuantity, p.TransactionId, p.BalanceAfter, p.IdempotencyKey, p.CreatedAt);
}

/// <summary>An owner's purchases, newest first; <c>nextCursor</c> fetches the next page (absent on the last).</summary>
public sealed record PurchasesResponse(long OwnerId, IReadOnlyList<PurchaseResponse> Purchases, string? NextCursor);

/// <summary>One line of an inventory.</summary>
public sealed record InventoryLineResponse(string Sku, string Title, long Quantity);

/// <summary>What an owner holds, in sku order.</summary>
public sealed record InventoryResponse(long OwnerId, IReadOnlyList<InventoryLineResponse> Items);

/// <summary>A refund: the units given back, the coins credited, the credit's transaction and the balance right after it.</summary>
public sealed record RefundResponse(
    long RefundId, long PurchaseId, long OwnerId, string Sku, int Quantity, long Coins, bool Forced, long TransactionId,
    long BalanceAfter, string IdempotencyKey)
{
    public static RefundResponse From(RefundResult r) => new(r.RefundId, r.PurchaseId, r.OwnerId, r.Sku, r.Quantity, r.Coins, r.Forced,
        r.TransactionId, r.BalanceAfter, r.IdempotencyKey);
}

/// <summary>The shop's revenue; <c>consistent</c> is true when the net equals what the entries of purchases and refunds sum to.
/// </summary>
public sealed record RevenueResponse(long Purchases, long UnitsSold, long Gross, long Refunded, long Net, long EntriesNet,
    long InventoryDrift, long CheckoutDrift, bool Consistent)
{
    public static RevenueResponse From(ShopRevenue r) => new(r.Purchases, r.UnitsSold, r.Gross, r.Refunded, r.Net, r.EntriesNet,
        r.InventoryDrift, r.CheckoutDrift, r.Consistent);
}

/// <summary>Body of <c>POST wallets/{ownerId}/checkouts</c>: 1 to 20 lines on distinct skus; <c>expiresAt</c> an ISO 8601
/// instant with its offset (15 minutes from now by default).</summary>
public sealed record CheckoutRequest(IReadOnlyList<CheckoutLineRequest?>? Items, string? ExpiresAt, string? IdempotencyKey);

/// <summary>One line of a checkout request.</summary>
public sealed record CheckoutLineRequest(string? Sku, int? Quantity, long? ExpectedPrice);

/// <summary>A checkout line as it stands: its purchase once confirmed.</summary>
public sealed record CheckoutLineResponse(int Line, string Sku, int Quantity, long Price, long? PurchaseId);

/// <summary>A checkout: <c>status</c> is <c>pending</c>, <c>completed</c>, <c>cancelled</c> or <c>expired</c>; <c>purchases</c> are
/// the lines bought (a completed checkout's).</summary>
public sealed record CheckoutResponse(
    long CheckoutId, long OwnerId, long HoldId, long Total, string Status, DateTimeOffset ExpiresAt,
    IReadOnlyList<CheckoutLineResponse> Items, IReadOnlyList<PurchaseResponse> Purchases)
{
    public static CheckoutResponse From(CheckoutResult c) => new(c.CheckoutId, c.OwnerId, c.HoldId, c.Total,
        c.Status.ToString().ToLowerInvariant(), c.ExpiresAt,
        [.. c.Lines.Select(l => new CheckoutLineResponse(l.Line, l.Sku, l.Quantity, l.Price, l.PurchaseId))],
        [.. c.Purchases.Select(PurchaseResponse.From)]);
}
