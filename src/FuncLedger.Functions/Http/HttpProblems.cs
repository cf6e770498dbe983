using FuncLedger.Core.Commerce;
using FuncLedger.Core.Domain;
using FuncLedger.Functions.Contracts;

namespace FuncLedger.Functions.Http;

/// <summary>The stable problem codes of the HTTP API (the ledger's own codes plus the adapter's).</summary>
public static class ProblemCodes
{
    public const string InsufficientFunds = LedgerErrorCodes.InsufficientFunds;
    public const string InvalidAmount = LedgerErrorCodes.InvalidAmount;
    public const string WalletNotFound = LedgerErrorCodes.WalletNotFound;
    public const string SelfTransfer = LedgerErrorCodes.SelfTransfer;
    public const string IdempotencyConflict = LedgerErrorCodes.IdempotencyConflict;
    public const string Validation = LedgerErrorCodes.Validation;
    public const string UnbalancedPosting = LedgerErrorCodes.UnbalancedPosting;
    public const string WalletFrozen = LedgerErrorCodes.WalletFrozen;
    public const string HoldNotFound = LedgerErrorCodes.HoldNotFound;
    public const string HoldNotPending = LedgerErrorCodes.HoldNotPending;
    public const string HoldExpired = LedgerErrorCodes.HoldExpired;
    public const string TransactionNotFound = LedgerErrorCodes.TransactionNotFound;
    public const string PostingNotFound = LedgerErrorCodes.PostingNotFound;
    public const string ReversalExceedsOriginal = LedgerErrorCodes.ReversalExceedsOriginal;
    public const string ItemNotFound = ShopErrorCodes.ItemNotFound;
    public const string SkuExists = ShopErrorCodes.SkuExists;
    public const string PriceChanged = ShopErrorCodes.PriceChanged;
    public const string OutOfStock = ShopErrorCodes.OutOfStock;
    public const string PurchaseLimit = ShopErrorCodes.PurchaseLimit;
    public const string ItemUnavailable = ShopErrorCodes.ItemUnavailable;
    public const string PurchaseNotFound = ShopErrorCodes.PurchaseNotFound;
    public const string RefundExceedsPurchase = ShopErrorCodes.RefundExceedsPurchase;
    public const string ItemConsumed = ShopErrorCodes.ItemConsumed;
    public const string NotEnoughItems = ShopErrorCodes.NotEnoughItems;
    public const string CheckoutNotFound = ShopErrorCodes.CheckoutNotFound;
    public const string CheckoutNotPending = ShopErrorCodes.CheckoutNotPending;
    public const string CheckoutExpired = ShopErrorCodes.CheckoutExpired;
    public const string PromoInvalid = PromoErrorCodes.Invalid;
    public const string PromoNotStarted = PromoErrorCodes.NotStarted;
    public const string PromoExpired = PromoErrorCodes.Expired;
    public const string PromoExhausted = PromoErrorCodes.Exhausted;
    public const string PromoAlreadyRedeemed = PromoErrorCodes.AlreadyRedeemed;
    public const string TooManyAttempts = PromoErrorCodes.TooManyAttempts;
    public const string CampaignNotFound = PromoErrorCodes.CampaignNotFound;
    public const string VanityCodeTaken = PromoErrorCodes.VanityCodeTaken;
    public const string RedemptionNotFound = PromoErrorCodes.RedemptionNotFound;
    public const string RedemptionRevoked = PromoErrorCodes.RedemptionRevoked;
    public const string MalformedJson = "malformed_json";
    public const string UnsupportedMediaType = "unsupported_media_type";
    public const string PayloadTooLarge = "payload_too_large";
    public const string IdempotencyInFlight = "idempotency_in_flight";
    public const string MessageNotFound = "message_not_found";
    public const string LinkInvalid = "link_invalid";
    public const string ServiceUnavailable = "service_unavailable";
    public const string InternalError = "internal_error";

    // Answered by the host around the functions (Standalone writes them as problem documents too).
    public const string Unauthorized = "unauthorized";
    public const string NotFound = "not_found";
    public const string MethodNotAllowed = "method_not_allowed";

    public static readonly IReadOnlyDictionary<string, int> Status = new Dictionary<string, int>
    {
        [InsufficientFunds] = 409,
        [InvalidAmount] = 400,
        [WalletNotFound] = 404,
        [SelfTransfer] = 400,
        [IdempotencyConflict] = 422,
        [Validation] = 400,
        [UnbalancedPosting] = 400,
        [WalletFrozen] = 409,
        [HoldNotFound] = 404,
        [HoldNotPending] = 409,
        [HoldExpired] = 409,
        [TransactionNotFound] = 404,
        [PostingNotFound] = 404,
        [ReversalExceedsOriginal] = 409,
        [ItemNotFound] = 404,
        [SkuExists] = 409,
        [PriceChanged] = 409,
        [OutOfStock] = 409,
        [PurchaseLimit] = 409,
        [ItemUnavailable] = 409,
        [PurchaseNotFound] = 404,
        [RefundExceedsPurchase] = 409,
        [ItemConsumed] = 409,
        [NotEnoughItems] = 409,
        [CheckoutNotFound] = 404,
        [CheckoutNotPending] = 409,
        [CheckoutExpired] = 409,
        [PromoInvalid] = 404,
        [PromoNotStarted] = 409,
        [PromoExpired] = 409,
        [PromoExhausted] = 409,
        [PromoAlreadyRedeemed] = 409,
        [TooManyAttempts] = 429,
        [CampaignNotFound] = 404,
        [VanityCodeTaken] = 409,
        [RedemptionNotFound] = 404,
        [RedemptionRevoked] = 409,
        [MalformedJson] = 400,
        [UnsupportedMediaType] = 415,
        [PayloadTooLarge] = 413,
        [IdempotencyInFlight] = 409,
        [MessageNotFound] = 404,
        [LinkInvalid] = 403,
        [ServiceUnavailable] = 503,
        [InternalError] = 500,
        [Unauthorized] = 401,
        [NotFound] = 404,
        [MethodNotAllowed] = 405,
    };

    public static readonly IReadOnlyDictionary<string, string> Title = new Dictionary<string, string>
    {
        [InsufficientFunds] = "Insufficient funds",
        [InvalidAmount] = "Invalid amount",
        [WalletNotFound] = "Wallet not found",
        [SelfTransfer] = "Transfer to the same wallet",
        [IdempotencyConflict] = "Idempotency key reused with a different request",
        [Validation] = "The request is not valid",
        [UnbalancedPosting] = "The legs of the posting do not sum to zero",
        [WalletFrozen] = "The wallet is frozen",
        [HoldNotFound] = "Hold not found",
        [HoldNotPending] = "The hold is not pending",
        [HoldExpired] = "The hold has expired",
        [TransactionNotFound] = "Transaction not found",
        [PostingNotFound] = "Posting not found",
        [ReversalExceedsOriginal] = "The reversal exceeds what is left of the original",
        [ItemNotFound] = "Item not found",
        [SkuExists] = "An item with this sku exists with other terms",
        [PriceChanged] = "The price is not the one expected",
        [OutOfStock] = "Not enough units in stock",
        [PurchaseLimit] = "The per-player limit is reached",
        [ItemUnavailable] = "The item is not on sale now",
        [PurchaseNotFound] = "Purchase not found",
        [RefundExceedsPurchase] = "The refund exceeds what is left of the purchase",
        [ItemConsumed] = "The player no longer holds the units",
        [NotEnoughItems] = "The player holds fewer units than it would use",
        [CheckoutNotFound] = "Checkout not found",
        [CheckoutNotPending] = "The checkout is not pending",
        [CheckoutExpired] = "The checkout has expired",
        [PromoInvalid] = "The code is not valid",
        [PromoNotStarted] = "The promotion has not started",
        [PromoExpired] = "The promotion has ended",
        [PromoExhausted] = "The promotion has been fully redeemed",
        [PromoAlreadyRedeemed] = "The player has redeemed this promotion as often as allowed",
        [TooManyAttempts] = "Too many failed attempts; try again later",
        [CampaignNotFound] = "Campaign not found",
        [VanityCodeTaken] = "An active campaign has this code",
        [RedemptionNotFound] = "Redemption not found",
        [RedemptionRevoked] = "The redemption is revoked already",
        [MalformedJson] = "The body is not valid JSON",
        [UnsupportedMediaType] = "The body must be application/json",
        [PayloadTooLarge] = "The body is too large",
        [IdempotencyInFlight] = "A request with this idempotency key is still in flight",
        [MessageNotFound] = "The message is not in the poison queue",
        [LinkInvalid] = "The link is not valid or has expired",
        [ServiceUnavailable] = "The ledger is busy; try again",
        [InternalError] = "Internal error",
        [Unauthorized] = "A valid function key is required",
        [NotFound] = "No such route",
        [MethodNotAllowed] = "Method not allowed on this route",
    };
}

/// <summary>An error the HTTP adapter raises itself (before or around the core call).</summary>
public sealed class HttpProblemException(string code, string detail, IReadOnlyList<ProblemFieldError>? errors = null) : Exception(detail)
{
    public string Code { get; } = code;

    public IReadOnlyList<ProblemFieldError>? Errors { get; } = errors;
}

public static class HttpProblems
{
    /// <summary>A problem's instance names the request, not its path: paths carry owner ids, and problem documents
    /// and logs name wallet IDs only.</summary>
    public static string InstanceOf(Microsoft.AspNetCore.Http.HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return "urn:funcledger:request:" + context.TraceIdentifier;
    }

    public static Problem Create(string code, string detail, string? instance = null, IReadOnlyList<ProblemFieldError>? errors = null) =>
        new("urn:funcledger:problem:" + code, ProblemCodes.Title[code], ProblemCodes.Status[code], detail, code, instance, errors);
}
