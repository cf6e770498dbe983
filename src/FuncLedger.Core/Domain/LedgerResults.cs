namespace FuncLedger.Core.Domain;

/// <summary>The result of a credit, debit or award: the entry written (or, on a replay, the original one).</summary>
/// <param name="Replayed">True when an earlier request with the same idempotency key produced this result.</param>
public sealed record CreditResult(long WalletId, long BalanceAfter, long TransactionId, string? IdempotencyKey, bool Replayed = false);

/// <summary>The result of a transfer: both entries (or, on a replay, the original ones).</summary>
public sealed record TransferResult(
    long FromWalletId,
    long ToWalletId,
    long FromBalanceAfter,
    long ToBalanceAfter,
    long DebitTransactionId,
    long CreditTransactionId,
    string? IdempotencyKey,
    bool Replayed = false);

/// <summary>One entry of a wallet's history, newest first.</summary>
public sealed record HistoryItem(long Id, long Amount, long BalanceAfter, string Reason, DateTime CreatedAt, string? IdempotencyKey);

/// <summary>One leg of a posting as written: the owner's wallet entry and the wallet's balance right after it.</summary>
public sealed record PostingLegResult(long OwnerId, long WalletId, long TransactionId, long Amount, long BalanceAfter);

/// <summary>The result of a multi-leg posting (or, on a replay, the original one). <paramref name="PostingId"/> is the
/// entry id of its first leg; its legs' keys are <c>{key}_leg_1..n</c>.</summary>
public sealed record PostingResult(long PostingId, IReadOnlyList<PostingLegResult> Legs, string? IdempotencyKey, bool Replayed = false);
