namespace FuncLedger.Core.Domain;

/// <summary>
/// Every bound of the ledger as a named constant (units last in names). Inputs outside these
/// bounds are rejected at the edge with a typed error before any database work happens.
/// </summary>
public static class LedgerLimits
{
    /// <summary>The largest amount of one credit, debit, transfer or award, in coins (10^12).</summary>
    public const long AmountMax = 1_000_000_000_000;

    /// <summary>A reason is required and at most this many UTF-16 characters.</summary>
    public const int ReasonLengthMax = 200;

    /// <summary>A client idempotency key is at most this many characters (visible ASCII only).</summary>
    /// <remarks>Transfers store <c>{key}_debit</c> and <c>{key}_credit</c>, so the column holds
    /// <see cref="IdempotencyKeyColumnLengthMax"/>.</remarks>
    public const int IdempotencyKeyLengthMax = 120;

    /// <summary>The stored key column: a client key plus the longest side suffix (<c>_credit</c>).</summary>
    public const int IdempotencyKeyColumnLengthMax = 128;

    /// <summary>Request fingerprints are SHA-256 in lowercase hex.</summary>
    public const int FingerprintLength = 64;

    /// <summary>Meta is a JSON object of at most this many UTF-8 bytes once minified.</summary>
    public const int MetaBytesMax = 2048;

    /// <summary>History page size: default and bounds.</summary>
    public const int HistoryLimitDefault = 50;
    public const int HistoryLimitMin = 1;
    public const int HistoryLimitMax = 200;

    /// <summary>The deepest history offset served; deeper pages need a cursor, not an offset scan.</summary>
    public const int HistoryOffsetMax = 1_000_000;

    /// <summary>The most awards one <c>AwardAsync</c> call pays in its one transaction (a tournament's placements).</summary>
    public const int AwardBatchSizeMax = 1_000;

    /// <summary>The most legs of one multi-leg posting (a prize pool paid to 1,000 players is one posting; the same bound
    /// as an award batch, whose commands are proven under every provider's parameter limit).</summary>
    public const int PostingLegsMax = 1_000;

    /// <summary>The most awards the payout writer pays in one transaction (group commit of the queue's invocations).</summary>
    public const int PayoutBatchSizeMax = 256;

    /// <summary>Batches the payout writer pays side by side, over disjoint wallets: while one waits on its commit, the next
    /// is written (one batch at a time kept the server's one backend at 80% of a core and left 40% of 2 cores idle).</summary>
    public const int PayoutBatchesInFlightMax = 2;

    /// <summary>Awards waiting for the payout writer at most; a fuller queue makes the next caller wait (back-pressure).</summary>
    public const int PayoutQueueLengthMax = 4_096;

    /// <summary>Placements are numbered 1..PlaceMax.</summary>
    public const int PlaceMax = 100_000;
}
