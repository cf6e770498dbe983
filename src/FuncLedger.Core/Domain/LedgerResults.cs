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

/// <summary>One entry of a wallet's history, newest first, with its reversal links both ways: the entry it reverses, and the
/// entries that reverse it (oldest first).</summary>
public sealed record HistoryItem(long Id, long Amount, long BalanceAfter, string Reason, DateTime CreatedAt, string? IdempotencyKey)
{
    /// <summary>The client's key (or a key the ledger derived from it); null for an unkeyed operation.</summary>
    public string? IdempotencyKey { get; init; } = Domain.IdempotencyKeys.IsInternal(IdempotencyKey) ? null : IdempotencyKey;

    /// <summary>The entry this one reverses, when it is a reversal.</summary>
    public long? Reverses { get; init; }

    /// <summary>What wrote the entry: an award, a transfer, a purchase, ... (<see cref="EntrySource"/>).</summary>
    public EntrySource Source { get; init; }

    /// <summary>The entries that reverse this one (partial reversals add up), oldest first.</summary>
    public IReadOnlyList<long> ReversedBy { get; init; } = [];

    /// <summary>Equal when every field and link is equal.</summary>
    public bool Equals(HistoryItem? other) => other is not null && (Id, Amount, BalanceAfter, Reason, CreatedAt, IdempotencyKey, Reverses)
        == (other.Id, other.Amount, other.BalanceAfter, other.Reason, other.CreatedAt, other.IdempotencyKey, other.Reverses)
        && ReversedBy.SequenceEqual(other.ReversedBy);

    public override int GetHashCode() => HashCode.Combine(Id, Amount, BalanceAfter, Reason, CreatedAt, IdempotencyKey, Reverses);
}

/// <summary>One leg of a posting as written: the owner's wallet entry and the wallet's balance right after it.</summary>
public sealed record PostingLegResult(long OwnerId, long WalletId, long TransactionId, long Amount, long BalanceAfter);

/// <summary>The result of a multi-leg posting (or, on a replay, the original one). <paramref name="PostingId"/> is the
/// posting's own id (reverse it whole with it); its legs' keys are <c>{key}_leg_1..n</c>.</summary>
public sealed record PostingResult(long PostingId, IReadOnlyList<PostingLegResult> Legs, string? IdempotencyKey, bool Replayed = false);

/// <summary>Which entries a history page lists: credits (positive amounts) or debits (negative).</summary>
public enum HistoryType
{
    Credit,
    Debit,
}

/// <summary>A page of a wallet's history by cursor: <paramref name="Limit"/> entries at most, continuing from
/// <paramref name="Cursor"/> (null for the first page), optionally only entries stamped in [<paramref name="From"/>,
/// <paramref name="To"/>) and of one <paramref name="Type"/>. A cursor is valid only with the filters it was issued for.</summary>
public sealed record HistoryQuery(
    int Limit = LedgerLimits.HistoryLimitDefault, string? Cursor = null, DateTimeOffset? From = null, DateTimeOffset? To = null,
    HistoryType? Type = null);

/// <summary>Newest first, in the order the entries were applied; <paramref name="NextCursor"/> is null on the last page.</summary>
public sealed record HistoryPage(IReadOnlyList<HistoryItem> Items, string? NextCursor);
