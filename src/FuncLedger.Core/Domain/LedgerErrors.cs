namespace FuncLedger.Core.Domain;

/// <summary>Stable machine codes of the ledger's errors; adapters map them (HTTP problem details, exit codes).</summary>
public static class LedgerErrorCodes
{
    public const string InsufficientFunds = "insufficient_funds";
    public const string InvalidAmount = "invalid_amount";
    public const string WalletNotFound = "wallet_not_found";
    public const string SelfTransfer = "self_transfer";
    public const string IdempotencyConflict = "idempotency_conflict";
    public const string Validation = "validation";
    public const string UnbalancedPosting = "unbalanced_posting";
    public const string WalletFrozen = "wallet_frozen";
    public const string HoldNotFound = "hold_not_found";
    public const string HoldNotPending = "hold_not_pending";
    public const string HoldExpired = "hold_expired";
    public const string TransactionNotFound = "transaction_not_found";
    public const string PostingNotFound = "posting_not_found";
    public const string ReversalExceedsOriginal = "reversal_exceeds_original";
}

/// <summary>The base of every typed ledger error. Messages name wallet IDs only, never owner data.</summary>
public abstract class LedgerException : Exception
{
    protected LedgerException(string code, string message) : base(message) => Code = code;

    /// <summary>A stable machine-readable code from <see cref="LedgerErrorCodes"/>.</summary>
    public string Code { get; }
}

/// <summary>The debit would take a wallet without overdraft below zero.</summary>
public sealed class InsufficientFundsException(long walletId, long balance, long amount)
    : LedgerException(LedgerErrorCodes.InsufficientFunds,
        $"Wallet {walletId} has {balance} coins; {amount} were requested.")
{
    public long WalletId { get; } = walletId;
    public long Balance { get; } = balance;
    public long Amount { get; } = amount;

    /// <summary>True when this is the kept first answer to a keyed request, given again to a retry under its key (the
    /// balance is the one the wallet held then).</summary>
    public bool Replayed { get; init; }
}

/// <summary>The amount is not in 1..<see cref="LedgerLimits.AmountMax"/>, or the result would overflow a balance.</summary>
public sealed class InvalidAmountException(string message) : LedgerException(LedgerErrorCodes.InvalidAmount, message);

/// <summary>Why a wallet was refused.</summary>
public enum InvalidWalletReason
{
    /// <summary>The owner has no wallet (debit or transfer source).</summary>
    NotFound,

    /// <summary>Source and destination are the same wallet.</summary>
    SelfTransfer,

    /// <summary>The owner id is not a positive 64-bit integer.</summary>
    InvalidOwner,
}

/// <summary>The wallet does not exist, is the same on both sides of a transfer, or its owner id is invalid.</summary>
public sealed class InvalidWalletException(InvalidWalletReason reason, string message)
    : LedgerException(reason switch
    {
        InvalidWalletReason.SelfTransfer => LedgerErrorCodes.SelfTransfer,
        InvalidWalletReason.InvalidOwner => LedgerErrorCodes.Validation,
        _ => LedgerErrorCodes.WalletNotFound,
    }, message)
{
    public InvalidWalletReason Reason { get; } = reason;
}

/// <summary>The idempotency key was already used for a different request.</summary>
public sealed class IdempotencyConflictException(string idempotencyKey)
    : LedgerException(LedgerErrorCodes.IdempotencyConflict,
        "The idempotency key was already used for a different request.")
{
    public string IdempotencyKey { get; } = idempotencyKey;
}

/// <summary>One field of a request that failed validation.</summary>
public sealed record FieldError(string Field, string Message);

/// <summary>Bad reason, key, meta, owner id or paging: the request is refused before it touches the database.</summary>
public sealed class LedgerValidationException(IReadOnlyList<FieldError> errors)
    : LedgerException(LedgerErrorCodes.Validation, string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}")))
{
    public LedgerValidationException(string field, string message) : this([new FieldError(field, message)])
    {
    }

    public IReadOnlyList<FieldError> Errors { get; } = errors;
}

/// <summary>The legs of a multi-leg posting do not sum to zero: it would create or destroy coins.</summary>
public sealed class UnbalancedPostingException(long sum)
    : LedgerException(LedgerErrorCodes.UnbalancedPosting, $"The legs sum to {sum}; a posting's legs must sum to zero.")
{
    public long Sum { get; } = sum;
}

/// <summary>The wallet is frozen: no coins leave it (but through an operator's adjustment) until it is unfrozen.</summary>
public sealed class WalletFrozenException(long walletId)
    : LedgerException(LedgerErrorCodes.WalletFrozen, $"Wallet {walletId} is frozen: no coins leave it.")
{
    public long WalletId { get; } = walletId;
}

/// <summary>No hold has this id.</summary>
public sealed class HoldNotFoundException(long holdId)
    : LedgerException(LedgerErrorCodes.HoldNotFound, $"Hold {holdId} does not exist.")
{
    public long HoldId { get; } = holdId;
}

/// <summary>The hold was captured, voided or released at expiry already: it cannot be captured or voided again.</summary>
public sealed class HoldNotPendingException(long holdId, HoldStatus status)
    : LedgerException(LedgerErrorCodes.HoldNotPending, $"Hold {holdId} is {status.ToString().ToLowerInvariant()}, not pending.")
{
    public long HoldId { get; } = holdId;

    public HoldStatus Status { get; } = status;
}

/// <summary>The hold is past its expiry: its coins are available again and it can no longer be captured or voided.</summary>
public sealed class HoldExpiredException(long holdId, DateTime expiresAt)
    : LedgerException(LedgerErrorCodes.HoldExpired, $"Hold {holdId} expired at {expiresAt:O}.")
{
    public long HoldId { get; } = holdId;
}

/// <summary>No entry has this transaction id.</summary>
public sealed class TransactionNotFoundException(long transactionId)
    : LedgerException(LedgerErrorCodes.TransactionNotFound, $"Transaction {transactionId} does not exist.")
{
    public long TransactionId { get; } = transactionId;
}

/// <summary>No posting has the id.</summary>
public sealed class PostingNotFoundException(long postingId)
    : LedgerException(LedgerErrorCodes.PostingNotFound, $"Posting {postingId} does not exist.")
{
    public long PostingId { get; } = postingId;
}

/// <summary>The reversal would move back more coins than the original moved, counting earlier partial reversals.</summary>
public sealed class ReversalExceedsOriginalException(long transactionId, long remaining, long requested)
    : LedgerException(LedgerErrorCodes.ReversalExceedsOriginal,
        $"Transaction {transactionId} has {remaining} coins left to reverse; {requested} were requested.")
{
    public long TransactionId { get; } = transactionId;

    public long Remaining { get; } = remaining;
}
