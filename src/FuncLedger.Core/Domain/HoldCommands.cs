namespace FuncLedger.Core.Domain;

/// <summary>Reserves <paramref name="Amount"/> coins of the owner's wallet until <paramref name="ExpiresAt"/> (the setting's
/// default when null, never beyond its cap). Always keyed: a retry under the key returns the same hold.</summary>
public sealed record HoldCommand(OwnerId Owner, Coins Amount, string Reason, IdempotencyKey Key, DateTimeOffset? ExpiresAt = null,
    string? Meta = null)
{
    public string Reason { get; } = LedgerInput.Reason(Reason);

    public string? Meta { get; } = LedgerInput.Meta(Meta);

    public IdempotencyKey Key { get; } = Key ?? throw new LedgerValidationException("idempotencyKey", "A hold needs an idempotency key.");
}

/// <summary>Captures a pending hold: <paramref name="Amount"/> coins (the whole hold when null) are debited, or transferred to
/// <paramref name="To"/>; the rest is released. The entries carry <c>hold_{id}_capture</c> (and <c>hold_{id}_capture_credit</c>);
/// the client's <paramref name="Key"/> names the capture (a retry under it replays, other terms are a conflict).
/// </summary>
public sealed record CaptureCommand(
    long HoldId, Coins? Amount = null, OwnerId? To = null, string? Reason = null, IdempotencyKey? Key = null)
{
    public long HoldId { get; } = HoldId > 0 ? HoldId : throw new LedgerValidationException("holdId", "A hold id is a positive integer.");

    /// <summary>The capture's reason; the hold's when null.</summary>
    public string? Reason { get; } = Reason is null ? null : LedgerInput.Reason(Reason);
}

/// <summary>Releases a pending hold; the client's <paramref name="Key"/> names the void (a retry under it replays).</summary>
public sealed record VoidCommand(long HoldId, IdempotencyKey? Key = null)
{
    public long HoldId { get; } = HoldId > 0 ? HoldId : throw new LedgerValidationException("holdId", "A hold id is a positive integer.");
}

/// <summary>Reverses every leg of posting <paramref name="PostingId"/> at once (what is left of each), all or none; the
/// compensating entries carry <c>{key}_leg_{n}</c>.</summary>
public sealed record ReversePostingCommand(long PostingId, string Reason, IdempotencyKey? Key = null)
{
    public long PostingId { get; } =
        PostingId > 0 ? PostingId : throw new LedgerValidationException("postingId", "A posting id is a positive integer.");

    public string Reason { get; } = LedgerInput.Reason(Reason);
}

/// <summary>Reverses a transaction (an entry id): compensating entries, linked to the originals, move back
/// <paramref name="Amount"/> coins (what is left to reverse when null). A transfer's two sides and a posting's legs reverse
/// together; a posting of more than two legs reverses whole only. Entries carry <c>{key}_leg_{n}</c>.</summary>
public sealed record ReverseCommand(long TransactionId, string Reason, IdempotencyKey? Key = null, Coins? Amount = null)
{
    public long TransactionId { get; } =
        TransactionId > 0 ? TransactionId : throw new LedgerValidationException("transactionId", "A transaction id is a positive integer.");

    public string Reason { get; } = LedgerInput.Reason(Reason);
}

/// <summary>A hold as it stands, and its wallet's balance, held and available coins (at the time of the answer).</summary>
public sealed record HoldResult(
    long HoldId, long OwnerId, long WalletId, long Amount, HoldStatus Status, DateTime ExpiresAt, long Captured, long Released,
    long? TransactionId, long Balance, long Held, long Available, bool Replayed = false)
{
    /// <summary>The credit entry of a capture to another owner (<see cref="TransactionId"/> is its debit).</summary>
    public long? CreditTransactionId { get; init; }
}

/// <summary>A capture (or, on a replay, the original one): the debit entry (<paramref name="TransactionId"/>) and the wallet's
/// balance after it; the credit entry of a capture to another owner.</summary>
public sealed record CaptureResult(
    long HoldId, long Captured, long Released, long TransactionId, long BalanceAfter, long? CreditTransactionId, long? ToOwnerId,
    bool Replayed = false);

/// <summary>A wallet's coins: the balance, what pending holds reserve, and what may be spent; and its administrative state.
/// </summary>
public sealed record WalletBalance(long OwnerId, long Balance, long Held, long Available, bool Frozen, bool AllowOverdraft);

/// <summary>One compensating entry of a reversal, and the entry it reverses.</summary>
public sealed record ReversalLegResult(long OwnerId, long WalletId, long TransactionId, long Amount, long BalanceAfter, long Reverses);

/// <summary>A reversal (or, on a replay, the original one): <paramref name="ReversalId"/> is its first entry's id,
/// <paramref name="TransactionId"/> the (first) entry reversed.</summary>
public sealed record ReversalResult(long ReversalId, long TransactionId, long Amount, IReadOnlyList<ReversalLegResult> Legs,
    string? IdempotencyKey, bool Replayed = false)
{
    /// <summary>The posting reversed whole (<see cref="ReversePostingCommand"/>); null for a transaction's reversal.</summary>
    public long? PostingId { get; init; }
}

/// <summary>Bounds of holds' lifetimes: <c>Ledger:Holds:DefaultExpiryMinutes</c> (15) and <c>Ledger:Holds:MaxExpiryMinutes</c>
/// (7 days).</summary>
public sealed class LedgerHoldOptions
{
    public int DefaultExpiryMinutes { get; set; } = 15;

    public int MaxExpiryMinutes { get; set; } = 7 * 24 * 60;

    internal void Validate()
    {
        if (DefaultExpiryMinutes < 1 || MaxExpiryMinutes < DefaultExpiryMinutes || MaxExpiryMinutes > 366 * 24 * 60)
        {
            throw new InvalidOperationException(
                "Ledger:Holds must satisfy 1 <= DefaultExpiryMinutes <= MaxExpiryMinutes <= 527040 (366 days).");
        }
    }
}
