using System.Globalization;
using FuncLedger.Core.Diagnostics;
using FuncLedger.Core.Domain;
using FuncLedger.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace FuncLedger.Core.Reconciliation;

/// <summary>Compares every cached balance with the sum of its entries, and fixes the drift when asked.</summary>
public interface IReconciler
{
    /// <summary>
    /// One set-based scan (no per-wallet round trip) plus the global check; with <see cref="ReconcileRequest.Fix"/>,
    /// drifted wallets are corrected in bounded chunks, each re-checked under the wallets' row locks so a fix never
    /// overwrites a concurrent write. Logs a warning per drifted wallet ID.
    /// </summary>
    Task<ReconciliationReport> RunAsync(ReconcileRequest request, CancellationToken cancellationToken = default);

    /// <summary>The newest stored run records, newest first.</summary>
    Task<IReadOnlyList<ReconciliationRun>> RecentRunsAsync(int count, CancellationToken cancellationToken = default);

    /// <summary>Rebuilds one wallet's cached balance from its entries under its row lock and returns it (the same rule as a
    /// fix); <see cref="InvalidWalletException"/> when the wallet does not exist.</summary>
    Task<long> RecalculateAsync(long walletId, CancellationToken cancellationToken = default);
}

internal sealed partial class Reconciler(
    LedgerUnitOfWork unitOfWork, LedgerStore store, LedgerConnectionOptions connection, TimeProvider time, ILogger<Reconciler> logger)
    : IReconciler
{
    private readonly record struct Scan(long WalletsChecked, long BalancesTotal, long EntriesTotal, List<WalletDrift> Drifts);

    public async Task<ReconciliationReport> RunAsync(ReconcileRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ChunkSize is < 1 or > ReconciliationLimits.FixChunkSizeMax)
        {
            throw new ArgumentOutOfRangeException(nameof(request), $"ChunkSize must be 1 to {ReconciliationLimits.FixChunkSizeMax}.");
        }

        if (string.IsNullOrEmpty(request.Trigger) || request.Trigger.Length > ReconciliationLimits.TriggerLengthMax)
        {
            throw new ArgumentException($"Trigger must be 1 to {ReconciliationLimits.TriggerLengthMax} characters.", nameof(request));
        }

        var started = time.GetUtcNow().UtcDateTime;
        request.Progress?.Report(new ReconciliationProgress("scan", 0, 0));
        var scan = await unitOfWork.RunScanAsync(ScanAsync, cancellationToken);
        request.Progress?.Report(new ReconciliationProgress("scan", scan.WalletsChecked, scan.WalletsChecked));
        foreach (var drift in scan.Drifts)
        {
            LogDrift(logger, drift.WalletId, drift.CachedBalance, drift.LedgerBalance, drift.CachedHeld, drift.PendingHeld);
        }

        long corrections = 0;
        long fixedSoFar = 0;
        if (request.Fix)
        {
            foreach (var chunk in scan.Drifts.Chunk(request.ChunkSize))
            {
                var ids = chunk.Select(d => d.WalletId).ToArray();
                corrections += await unitOfWork.RunAsync((db, ct) => FixChunkAsync(db, ids, ct), cancellationToken);
                fixedSoFar += ids.Length;
                request.Progress?.Report(new ReconciliationProgress("fix", fixedSoFar, scan.Drifts.Count));
            }
        }

        var finished = time.GetUtcNow().UtcDateTime;
        long? runId = null;
        if (request.Record)
        {
            var run = new ReconciliationRunRow
            {
                StartedAt = started,
                FinishedAt = finished,
                Trigger = request.Trigger,
                Fix = request.Fix,
                WalletsChecked = scan.WalletsChecked,
                DriftCount = scan.Drifts.Count,
                CorrectionsApplied = corrections,
                BalancesTotal = scan.BalancesTotal,
                EntriesTotal = scan.EntriesTotal,
                DriftedWalletIds = string.Join(',', scan.Drifts.Take(ReconciliationLimits.RecordedWalletIdsMax)
                    .Select(d => d.WalletId.ToString(CultureInfo.InvariantCulture))),
            };
            runId = await unitOfWork.RunAsync(async (db, ct) =>
            {
                db.ReconciliationRuns.Add(run);
                await db.SaveChangesAsync(ct);
                return run.Id;
            }, cancellationToken);
        }

        LogSummary(logger, request.Trigger, request.Fix, scan.WalletsChecked, scan.Drifts.Count, corrections,
            scan.BalancesTotal == scan.EntriesTotal);
        var trigger = new KeyValuePair<string, object?>("trigger", request.Trigger);
        LedgerTelemetry.DriftFound.Add(scan.Drifts.Count, trigger);
        LedgerTelemetry.DriftFixed.Add(corrections, trigger);
        return new ReconciliationReport(runId, started, finished, request.Fix, scan.WalletsChecked, scan.Drifts, corrections,
            scan.BalancesTotal, scan.EntriesTotal);
    }

    public async Task<IReadOnlyList<ReconciliationRun>> RecentRunsAsync(int count, CancellationToken cancellationToken = default)
    {
        if (count is < 1 or > ReconciliationLimits.RecentRunsMax)
        {
            throw new ArgumentOutOfRangeException(nameof(count), $"count must be 1 to {ReconciliationLimits.RecentRunsMax}.");
        }

        return await unitOfWork.RunAsync(async (db, ct) =>
            (IReadOnlyList<ReconciliationRun>)await db.ReconciliationRuns.OrderByDescending(r => r.Id).Take(count)
                .Select(r => new ReconciliationRun
                {
                    Id = r.Id, StartedAt = r.StartedAt, FinishedAt = r.FinishedAt, Trigger = r.Trigger, Fix = r.Fix,
                    WalletsChecked = r.WalletsChecked, DriftCount = r.DriftCount, CorrectionsApplied = r.CorrectionsApplied,
                    BalancesTotal = r.BalancesTotal, EntriesTotal = r.EntriesTotal, DriftedWalletIds = r.DriftedWalletIds,
                })
                .ToListAsync(ct),
            cancellationToken);
    }

    public async Task<long> RecalculateAsync(long walletId, CancellationToken cancellationToken = default)
    {
        if (walletId <= 0)
        {
            throw new InvalidWalletException(InvalidWalletReason.NotFound, "The wallet id must be a positive integer.");
        }

        var now = time.GetUtcNow().UtcDateTime;
        var sums = await unitOfWork.RunAsync((db, ct) => store.LockSumSet.RunAsync(db, [walletId], now, ct), cancellationToken);
        if (sums.Length == 0)
        {
            throw new InvalidWalletException(InvalidWalletReason.NotFound,
                string.Create(CultureInfo.InvariantCulture, $"Wallet {walletId} does not exist."));
        }

        var wallet = sums[0];
        if (wallet.Drifts)
        {
            LogCorrected(logger, walletId, wallet.Cached, wallet.Sum, wallet.CachedHeld, wallet.PendingHeld);
        }

        return wallet.Sum;
    }

    private async Task<Scan> ScanAsync(LedgerDbContext db, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        var rows = await store.DriftScan.ExecuteAsync(db.Database.GetDbConnection(), connection.ScanTimeoutSeconds, ct);
        var drifts = new List<WalletDrift>();
        long wallets = 0, balances = 0, entries = 0;
        foreach (var row in rows)
        {
            checked
            {
                wallets += row.Count;
                balances += row.Cached;
                entries += row.Ledger;
            }

            if (row.DriftId is { } driftId)
            {
                drifts.Add(new WalletDrift(driftId, row.Cached, row.Ledger, row.Held, row.Pending));
            }
        }

        drifts.Sort((a, b) => a.WalletId.CompareTo(b.WalletId));
        return new Scan(wallets, balances, entries, drifts);
    }

    /// <summary>Re-checked under the locks: a wallet a concurrent transfer already fixed up, or that moved since the
    /// scan, is corrected to what its entries say now, never to what the scan saw.</summary>
    private async Task<long> FixChunkAsync(LedgerDbContext db, long[] walletIds, CancellationToken ct)
    {
        var sums = await store.LockSumSet.RunAsync(db, walletIds, time.GetUtcNow().UtcDateTime, ct);
        var fixes = sums.Where(s => s.Drifts).ToArray();
        foreach (var fix in fixes)
        {
            LogCorrected(logger, fix.WalletId, fix.Cached, fix.Sum, fix.CachedHeld, fix.PendingHeld);
        }

        return fixes.Length;
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning,
        Message = "Wallet {WalletId} drifts: cached {CachedBalance}, ledger {LedgerBalance}; "
            + "held {CachedHeld}, pending holds {PendingHeld}")]
    private static partial void LogDrift(ILogger logger, long walletId, long cachedBalance, long ledgerBalance, long cachedHeld,
        long pendingHeld);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning,
        Message = "Wallet {WalletId} corrected: cached {CachedBalance} set to ledger {LedgerBalance}; held {CachedHeld} set to "
            + "pending holds {PendingHeld}")]
    private static partial void LogCorrected(ILogger logger, long walletId, long cachedBalance, long ledgerBalance, long cachedHeld,
        long pendingHeld);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information,
        Message = "Reconciliation ({Trigger}, fix {Fix}): {WalletsChecked} wallets checked, {DriftCount} drifted, "
            + "{Corrections} corrected, totals match {TotalsMatch}")]
    private static partial void LogSummary(
        ILogger logger, string trigger, bool fix, long walletsChecked, int driftCount, long corrections, bool totalsMatch);
}
