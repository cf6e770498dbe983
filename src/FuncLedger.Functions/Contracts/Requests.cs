using System.Text.Json;

namespace FuncLedger.Functions.Contracts;

/// <summary>Body of <c>POST wallets/{ownerId}/credit</c> and <c>POST wallets/{ownerId}/debit</c>.</summary>
/// <param name="Amount">Coins, a positive integer up to 10^12.</param>
/// <param name="Reason">Why, 1 to 200 characters.</param>
/// <param name="IdempotencyKey">Optional; the <c>Idempotency-Key</c> header carries the same key.</param>
/// <param name="Meta">Optional JSON object stored with the entry (at most 2048 bytes minified).</param>
public sealed record WalletChangeRequest(long? Amount, string? Reason, string? IdempotencyKey, JsonElement? Meta);

/// <summary>Body of <c>POST transfers</c>.</summary>
public sealed record TransferRequest(
    long? FromOwnerId, long? ToOwnerId, long? Amount, string? Reason, string? IdempotencyKey, JsonElement? Meta);

/// <summary>Body of <c>POST postings</c>: 2 to 1,000 legs on different owners whose signed amounts sum to zero.</summary>
public sealed record PostingRequest(IReadOnlyList<PostingLegRequest?>? Legs, string? Reason, string? IdempotencyKey, JsonElement? Meta);

/// <summary>One leg of a posting: positive credits the owner, negative debits it.</summary>
public sealed record PostingLegRequest(long? OwnerId, long? Amount);

/// <summary>
/// The payout message the tournament system puts on <c>payout-awards</c> (base64-encoded UTF-8 JSON, as host.json says).
/// <c>type</c> is <c>participation</c> or <c>placement</c>; <c>place</c> is required for placements and absent otherwise.
/// </summary>
public sealed record PayoutMessage(string? Type, long? RegistrationId, long? OwnerId, long? Amount, int? Place);

/// <summary>Body of <c>POST wallets/{ownerId}/holds</c>; <c>expiresAt</c> is an ISO 8601 instant with its offset.</summary>
public sealed record HoldRequest(long? Amount, string? Reason, string? ExpiresAt, string? IdempotencyKey, JsonElement? Meta);

/// <summary>Body of <c>POST holds/{holdId}/capture</c> (optional): part of the hold, to another owner, another reason; the key
/// (or the <c>Idempotency-Key</c> header) makes a retry replay.</summary>
public sealed record CaptureRequest(long? Amount, long? ToOwnerId, string? Reason, string? IdempotencyKey = null);

/// <summary>Body of <c>POST transactions/{transactionId}/reverse</c>: the reason; the amount for a partial reversal.</summary>
public sealed record ReverseRequest(long? Amount, string? Reason, string? IdempotencyKey);

/// <summary>Body of <c>POST postings/{postingId}/reverse</c>: the reason.</summary>
public sealed record PostingReverseRequest(string? Reason, string? IdempotencyKey);

/// <summary>Body of <c>PUT ops/wallets/{ownerId}/overdraft</c>; the operator's reason is recorded with the change.</summary>
public sealed record OverdraftRequest(bool? AllowOverdraft, string? Reason = null);

/// <summary>Body of <c>POST ops/wallets/{ownerId}/freeze</c> and <c>unfreeze</c> (optional): the operator's reason.</summary>
public sealed record WalletStateRequest(string? Reason);

/// <summary>Body of <c>POST ops/wallets/{ownerId}/adjustments</c>: signed coins (positive credits, negative debits) and the
/// operator's reason, both required.</summary>
public sealed record AdjustmentRequest(long? Amount, string? Reason, string? IdempotencyKey);
