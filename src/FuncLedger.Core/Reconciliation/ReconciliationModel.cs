namespace FuncLedger.Core.Reconciliation;

/// <summary>Bounds of a reconciliation run (units last in names).</summary>
public static class ReconciliationLimits
{
    /// <summary>Drifted wallets fixed per transaction: each chunk locks at most this many wallets.</summary>
    public const int FixChunkSizeDefault = 500;
    public const int FixChunkSizeMax = 1_000;

    /// <summary>The most drifted wallet IDs a stored run record lists (the drift count is always exact).</summary>
    public const int RecordedWalletIdsMax = 200;

    /// <summary>The stored list of drifted wallet IDs: comma-separated, at most this many characters.</summary>
    public const int RecordedWalletIdsLengthMax = 4_000;

    public const int TriggerLengthMax = 16;

    /// <summary>The most run records one read returns.</summary>
    public const int RecentRunsMax = 100;
}

/// <summary>Who started a run; stored with its record.</summary>
public static class ReconciliationTriggers
{
    public const string Timer = "timer";
    public const string Http = "http";
    public const string Cli = "cli";
}

/// <param name="Fix">False: a dry run that reports and changes nothing.</param>
/// <param name="Trigger">One of <see cref="ReconciliationTriggers"/>.</param>
/// <param name="Record">Whether to store a run record (the timer and the HTTP endpoint do).</param>
/// <param name="Progress">Told when the scan starts and ends and after each fix chunk (the CLI's progress display).</param>
public sealed record ReconcileRequest(
    bool Fix,
    string Trigger,
    bool Record = true,
    int ChunkSize = ReconciliationLimits.FixChunkSizeDefault,
    IProgress<ReconciliationProgress>? Progress = null);

/// <summary>How far a run is: <see cref="Stage"/> is <c>scan</c> or <c>fix</c>; <see cref="Done"/> of <see cref="Total"/>
/// wallets.</summary>
public sealed record ReconciliationProgress(string Stage, long Done, long Total);

/// <summary>One wallet whose cached balance differs from the sum of its entries, or whose cached held coins differ from the
/// sum of its pending holds.</summary>
/// <param name="CachedHeld">The wallet's cached held coins.</param>
/// <param name="PendingHeld">The sum of its pending holds (expired ones the timer has not released yet included).</param>
public sealed record WalletDrift(long WalletId, long CachedBalance, long LedgerBalance, long CachedHeld = 0, long PendingHeld = 0)
{
    /// <summary>What the correction adds to the cached balance.</summary>
    public long Delta => checked(LedgerBalance - CachedBalance);

    /// <summary>What the correction adds to the cached held coins.</summary>
    public long HeldDelta => checked(PendingHeld - CachedHeld);
}

/// <summary>What a reconciliation run found and did. Names wallet IDs only, never owner data.</summary>
/// <param name="BalancesTotal">Sum of cached balances when checked.</param>
/// <param name="EntriesTotal">Sum of every entry when checked; equal to <paramref name="BalancesTotal"/> when no wallet drifts.</param>
public sealed record ReconciliationReport(
    long? RunId,
    DateTime StartedAt,
    DateTime FinishedAt,
    bool Fix,
    long WalletsChecked,
    IReadOnlyList<WalletDrift> Drifts,
    long CorrectionsApplied,
    long BalancesTotal,
    long EntriesTotal)
{
    public long DriftCount => Drifts.Count;

    public TimeSpan Duration => FinishedAt - StartedAt;

    /// <summary>The global check: every coin in a cached balance is backed by an entry.</summary>
    public bool TotalsMatch => BalancesTotal == EntriesTotal;
}

/// <summary>A stored reconciliation run (the nightly timer's audit trail).</summary>
public sealed class ReconciliationRun
{
    public long Id { get; set; }

    public DateTime StartedAt { get; set; }

    public DateTime FinishedAt { get; set; }

    public string Trigger { get; set; } = "";

    public bool Fix { get; set; }

    public long WalletsChecked { get; set; }

    public long DriftCount { get; set; }

    public long CorrectionsApplied { get; set; }

    public long BalancesTotal { get; set; }

    public long EntriesTotal { get; set; }

    /// <summary>Comma-separated drifted wallet IDs, the first <see cref="ReconciliationLimits.RecordedWalletIdsMax"/>.</summary>
    public string DriftedWalletIds { get; set; } = "";
}
