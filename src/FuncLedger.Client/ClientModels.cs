using System.Text.Json;
using System.Text.Json.Serialization;

namespace FuncLedger.Client;

// The wire shapes of docs/openapi.json (a test compares every property with the document's schema).

/// <summary>A credit or a debit as the ledger applied it.</summary>
public sealed record WalletChange(long OwnerId, long WalletId, long Amount, long BalanceAfter, long TransactionId, string? IdempotencyKey)
{
    /// <summary>True when the answer is the original one, replayed for a repeated idempotency key.</summary>
    [JsonIgnore]
    public bool Replayed { get; init; }
}

public sealed record Transfer(long FromOwnerId, long ToOwnerId, long FromWalletId, long ToWalletId, long Amount, long FromBalanceAfter,
    long ToBalanceAfter, long DebitTransactionId, long CreditTransactionId, string? IdempotencyKey)
{
    [JsonIgnore]
    public bool Replayed { get; init; }
}

public sealed record PostingLeg(long OwnerId, long Amount);

public sealed record PostedLeg(long OwnerId, long TransactionId, long Amount, long BalanceAfter);

public sealed record Posting(long PostingId, IReadOnlyList<PostedLeg> Legs, string? IdempotencyKey)
{
    [JsonIgnore]
    public bool Replayed { get; init; }
}

/// <summary>A wallet's coins: <see cref="Held"/> is what pending holds reserve, <see cref="Available"/> what may be spent.
/// With an instant (asOf), the balance then and no held/available.</summary>
public sealed record WalletBalance(long OwnerId, long Balance, DateTimeOffset? AsOf, long? Held, long? Available, bool? Frozen);

public sealed record HistoryEntry(
    long TransactionId, long Amount, long BalanceAfter, string Reason, DateTimeOffset CreatedAt, string? IdempotencyKey, long? Reverses,
    IReadOnlyList<long>? ReversedBy)
{
    /// <summary>What wrote the entry: award, credit, debit, transfer, posting, hold_capture, reversal, adjustment, purchase,
    /// refund, promo, or unrecorded (entries older than FuncLedger 2.1). New kinds may be added: treat unknown ones as
    /// unrecorded.</summary>
    public string? Source { get; init; }
}

/// <summary>A page of history, newest first; <see cref="NextCursor"/> asks for the next page (null on the last).</summary>
public sealed record HistoryPage(
    long OwnerId, int Limit, int Offset, int? NextOffset, IReadOnlyList<HistoryEntry> Items, string? NextCursor);

public sealed record Hold(
    long HoldId, long OwnerId, long Amount, string Status, DateTimeOffset ExpiresAt, long Balance, long Held, long Available, long Captured,
    long Released, long? TransactionId, string? IdempotencyKey, long? CreditTransactionId = null)
{
    [JsonIgnore]
    public bool Replayed { get; init; }
}

public sealed record CaptureResult(
    long HoldId, string Status, long Captured, long Released, long TransactionId, long BalanceAfter, long? ToOwnerId,
    long? CreditTransactionId)
{
    [JsonIgnore]
    public bool Replayed { get; init; }
}

public sealed record VoidResult(long HoldId, string Status, long Released, long Balance, long Held, long Available)
{
    [JsonIgnore]
    public bool Replayed { get; init; }
}

public sealed record ReversalLeg(long OwnerId, long TransactionId, long Amount, long BalanceAfter, long Reverses);

/// <summary>A reversal; <see cref="PostingId"/> is the posting reversed whole, when one was.</summary>
public sealed record Reversal(long ReversalId, long TransactionId, long Amount, string? IdempotencyKey, IReadOnlyList<ReversalLeg> Legs,
    long? PostingId = null)
{
    [JsonIgnore]
    public bool Replayed { get; init; }
}

/// <summary>History filters: credits (amount &gt; 0) or debits (amount &lt; 0) only.</summary>
public enum HistoryType
{
    All,
    Credit,
    Debit,
}

/// <summary>An item of the coin shop: <see cref="Stock"/> is what is left (null: unlimited); <see cref="Available"/> says
/// whether it is on sale now.</summary>
public sealed record ShopItem(
    string Sku, string Title, long Price, long? Stock, int? PerPlayerLimit, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt, bool Active,
    bool Available, JsonElement? Meta, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>A page of items; pass <see cref="NextCursor"/> for the next (null on the last).</summary>
public sealed record ShopItemPage(IReadOnlyList<ShopItem> Items, string? NextCursor);

/// <summary>Units of one sku a promo grants.</summary>
public sealed record PromoItem(string Sku, int Quantity);

/// <summary>A promo redemption: the coins credited (the entry and the balance after; no entry for an items-only campaign) and the
/// items granted.</summary>
public sealed record PromoRedemption(
    long RedemptionId, long CampaignId, long OwnerId, long Coins, IReadOnlyList<PromoItem> Items, long? TransactionId, long BalanceAfter,
    string IdempotencyKey)
{
    [JsonIgnore]
    public bool Replayed { get; init; }
}

/// <summary>What redeeming a code would grant now.</summary>
public sealed record PromoCheck(long CampaignId, string Name, long Coins, IReadOnlyList<PromoItem> Items);

/// <summary>A purchase: the price paid per unit, the total debited, the debit's transaction and the balance right after it.</summary>
public sealed record Purchase(
    long PurchaseId, long OwnerId, string Sku, string Title, int Quantity, long Price, long Total, int RefundedQuantity, long TransactionId,
    long BalanceAfter, string IdempotencyKey, DateTimeOffset CreatedAt)
{
    [JsonIgnore]
    public bool Replayed { get; init; }
}

/// <summary>A page of an owner's purchases, newest first.</summary>
public sealed record PurchasePage(long OwnerId, IReadOnlyList<Purchase> Purchases, string? NextCursor);

public sealed record InventoryLine(string Sku, string Title, long Quantity);

/// <summary>What an owner holds, in sku order.</summary>
public sealed record Inventory(long OwnerId, IReadOnlyList<InventoryLine> Items);

/// <summary>A use of items: the units taken out of the inventory and what the owner holds of the sku right after.</summary>
public sealed record Consumption(long ConsumptionId, long OwnerId, string Sku, int Quantity, long Remaining, string IdempotencyKey)
{
    [JsonIgnore]
    public bool Replayed { get; init; }
}

/// <summary>One line of a checkout to open: units of an item at the price the buyer saw.</summary>
public sealed record CheckoutItem(string Sku, int Quantity, long ExpectedPrice);

public sealed record CheckoutLine(int Line, string Sku, int Quantity, long Price, long? PurchaseId);

/// <summary>A checkout: <see cref="Status"/> is pending, completed, cancelled or expired.</summary>
public sealed record Checkout(
    long CheckoutId, long OwnerId, long HoldId, long Total, string Status, DateTimeOffset ExpiresAt, IReadOnlyList<CheckoutLine> Items,
    IReadOnlyList<Purchase> Purchases)
{
    [JsonIgnore]
    public bool Replayed { get; init; }
}

internal sealed record PurchaseRequest(string Sku, int Quantity, long ExpectedPrice);

internal sealed record ConsumeRequest(int Quantity);

internal sealed record RedeemRequest(string Code);

internal sealed record CheckoutRequest(IReadOnlyList<CheckoutItem> Items, DateTimeOffset? ExpiresAt);

internal sealed record WalletChangeRequest(long Amount, string Reason, JsonElement? Meta);

internal sealed record TransferRequest(long FromOwnerId, long ToOwnerId, long Amount, string Reason, JsonElement? Meta);

internal sealed record PostingRequest(IReadOnlyList<PostingLeg> Legs, string Reason, JsonElement? Meta);

internal sealed record HoldRequest(long Amount, string Reason, DateTimeOffset? ExpiresAt, JsonElement? Meta);

internal sealed record CaptureRequest(long? Amount, long? ToOwnerId, string? Reason);

internal sealed record ReverseRequest(long? Amount, string Reason);

internal sealed record PostingReverseRequest(string Reason);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(WalletChange))]
[JsonSerializable(typeof(Transfer))]
[JsonSerializable(typeof(PostingReverseRequest))]
[JsonSerializable(typeof(Posting))]
[JsonSerializable(typeof(WalletBalance))]
[JsonSerializable(typeof(HistoryPage))]
[JsonSerializable(typeof(Hold))]
[JsonSerializable(typeof(CaptureResult))]
[JsonSerializable(typeof(VoidResult))]
[JsonSerializable(typeof(Reversal))]
[JsonSerializable(typeof(WalletChangeRequest))]
[JsonSerializable(typeof(TransferRequest))]
[JsonSerializable(typeof(PostingRequest))]
[JsonSerializable(typeof(HoldRequest))]
[JsonSerializable(typeof(CaptureRequest))]
[JsonSerializable(typeof(ReverseRequest))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(ShopItem))]
[JsonSerializable(typeof(ShopItemPage))]
[JsonSerializable(typeof(Purchase))]
[JsonSerializable(typeof(PurchasePage))]
[JsonSerializable(typeof(Inventory))]
[JsonSerializable(typeof(Consumption))]
[JsonSerializable(typeof(ConsumeRequest))]
[JsonSerializable(typeof(Checkout))]
[JsonSerializable(typeof(PurchaseRequest))]
[JsonSerializable(typeof(CheckoutRequest))]
[JsonSerializable(typeof(RedeemRequest))]
[JsonSerializable(typeof(PromoRedemption))]
[JsonSerializable(typeof(PromoCheck))]
internal sealed partial class ClientJson : JsonSerializerContext;
