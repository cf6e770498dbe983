using FuncLedger.Core.Reconciliation;

namespace FuncLedger.Hosting;

/// <param name="CachedHeld">The wallet's cached held coins; <paramref name="PendingHeld"/> the sum of its pending holds.</param>
public sealed record WalletDriftResponse(
    long WalletId, long CachedBalance, long LedgerBalance, long Delta, long CachedHeld, long PendingHeld);

/// <summary>A reconciliation report: wallet IDs only, never owner data. <c>drifts</c> lists at most 1000 wallets;
/// <c>driftCount</c> is exact.</summary>
public sealed record ReconcileResponse(
    long? RunId,
    bool DryRun,
    DateTime StartedAt,
    DateTime FinishedAt,
    double DurationMs,
    long WalletsChecked,
    long DriftCount,
    long CorrectionsApplied,
    long BalancesTotal,
    long EntriesTotal,
    bool TotalsMatch,
    IReadOnlyList<WalletDriftResponse> Drifts)
{
    public const int DriftsListedMax = 1_000;

    public static ReconcileResponse From(ReconciliationReport r) =>
        new(r.RunId, !r.Fix, r.StartedAt, r.FinishedAt, r.Duration.TotalMilliseconds, r.WalletsChecked, r.DriftCount, r.CorrectionsApplied,
            r.BalancesTotal, r.EntriesTotal, r.TotalsMatch,
            [.. r.Drifts.Take(DriftsListedMax)
                .Select(d => new WalletDriftResponse(d.WalletId, d.CachedBalance, d.LedgerBalance, d.Delta, d.CachedHeld, d.PendingHeld))]);
}
