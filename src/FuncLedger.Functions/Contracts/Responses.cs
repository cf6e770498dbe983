using FuncLedger.Core.Domain;

namespace FuncLedger.Functions.Contracts;

/// <summary>The result of a credit or debit. A replay returns the same body (and <c>Idempotent-Replayed: true</c>).</summary>
public sealed record WalletChangeResponse(
    long OwnerId, long WalletId, long Amount, long BalanceAfter, long TransactionId, string? IdempotencyKey)
{
    public static WalletChangeResponse From(long ownerId, long amount, CreditResult result) =>
        new(ownerId, result.WalletId, amount, result.BalanceAfter, result.TransactionId, result.IdempotencyKey);
}

public sealed record TransferResponse(
    long FromOwnerId,
    long ToOwnerId,
    long FromWalletId,
    long ToWalletId,
    long Amount,
    long FromBalanceAfter,
    long ToBalanceAfter,
    long DebitTransactionId,
    long CreditTransactionId,
    string? IdempotencyKey)
{
    public static TransferResponse From(long fromOwnerId, long toOwnerId, long amount, TransferResult r) =>
        new(fromOwnerId, toOwnerId, r.FromWalletId, r.ToWalletId, amount, r.FromBalanceAfter, r.ToBalanceAfter,
            r.DebitTransactionId, r.CreditTransactionId, r.IdempotencyKey);
}

/// <param name="AsOf">The instant asked for (UTC), when the balance is a point-in-time one; absent otherwise.</param>
/// <param name="Held">Coins reserved by pending holds not yet expired (absent on a point-in-time balance).</param>
/// <param name="Available">Balance less held: what may be spent (absent on a point-in-time balance).</param>
/// <param name="Frozen">True when no coins leave the wallet (but an operator's adjustment) (absent on a point-in-time balance).</param>
public sealed record BalanceResponse(long OwnerId, long Balance, DateTimeOffset? AsOf = null, long? Held = null, long? Available = null,
    bool? Frozen = null);

/// <param name="Reverses">The entry this one reverses, when it is a reversal.</param>
/// <param name="ReversedBy">The entries that reverse this one, oldest first (absent when none).</param>
/// <param name="Source">What wrote the entry (EntrySources.Name): award, transfer, purchase, ...</param>
public sealed record HistoryEntryResponse(
    long TransactionId, long Amount, long BalanceAfter, string Reason, DateTime CreatedAt, string? IdempotencyKey, long? Reverses = null,
    IReadOnlyList<long>? ReversedBy = null, string Source = "unrecorded");

/// <param name="NextOffset">The offset of the next page, or null on the last page (offset paging).</param>
/// <param name="NextCursor">The cursor of the next page, or null on the last page (cursor paging, and the first offset page).</param>
public sealed record HistoryResponse(
    long OwnerId, int Limit, int Offset, int? NextOffset, IReadOnlyList<HistoryEntryResponse> Items, string? NextCursor = null);

/// <summary>Liveness: the app runs. Nothing else (no provider, no version).</summary>
public sealed record LivenessResponse(string Status)
{
    public static readonly LivenessResponse Alive = new("alive");
}

/// <summary>Readiness, for operators: <paramref name="Status"/> is <c>ready</c> when the database is reachable with no migration
/// pending and the payout queue is reachable, else <c>not_ready</c>.</summary>
/// <param name="Database"><c>reachable</c> or <c>unreachable</c>.</param>
/// <param name="Queue"><c>reachable</c>, <c>unreachable</c> or <c>not_configured</c> (no <c>AzureWebJobsStorage</c>).</param>
public sealed record ReadinessResponse(
    string Status, string Provider, string Database, IReadOnlyList<string> PendingMigrations, string Queue)
{
    public const string Reachable = "reachable";
    public const string Unreachable = "unreachable";
    public const string NotConfigured = "not_configured";
}

/// <summary>A field that failed validation.</summary>
public sealed record ProblemFieldError(string Field, string Message);

/// <summary>
/// RFC 9457 problem details (<c>application/problem+json</c>). <c>code</c> is stable and documented;
/// <c>type</c> is <c>urn:funcledger:problem:{code}</c>. No stack trace or internal text is ever included.
/// </summary>
public sealed record Problem(
    string Type,
    string Title,
    int Status,
    string Detail,
    string Code,
    string? Instance = null,
    IReadOnlyList<ProblemFieldError>? Errors = null,
    long? WalletId = null,
    long? Balance = null,
    long? Amount = null);

/// <summary>The result of a posting: its id (the first leg's entry) and every leg's entry and balance after it.</summary>
public sealed record PostingResponse(long PostingId, IReadOnlyList<PostingLegResponse> Legs, string? IdempotencyKey)
{
    public static PostingResponse From(PostingResult r) =>
        new(r.PostingId, [.. r.Legs.Select(l => new PostingLegResponse(l.OwnerId, l.TransactionId, l.Amount, l.BalanceAfter))],
            r.IdempotencyKey);
}

/// <summary>One leg as written.</summary>
public sealed record PostingLegResponse(long OwnerId, long TransactionId, long Amount, long BalanceAfter);
