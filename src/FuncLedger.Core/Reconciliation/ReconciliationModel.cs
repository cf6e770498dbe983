using FuncLedger.Core.Domain;

namespace FuncLedger.Core.Reconciliation;

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
public sealed record ReconciliationRun
{
    public long Id { get; init; }

    public DateTime StartedAt { get; init; }

    public DateTime FinishedAt { get; init; }

    public string Trigger { get; init; } = "";

    public bool Fix { get; init; }

    public long WalletsChecked { get; init; }

    public long DriftCount { get; init; }

    public long CorrectionsApplied { get; init; }

    public long BalancesTotal { get; init; }

    public long EntriesTotal { get; init; }

    /// <summary>Comma-separated drifted wallet IDs, the first <see cref="ReconciliationLimits.RecordedWalletIdsMax"/>.</summary>
    public string DriftedWalletIds { get; init; } = "";
}
