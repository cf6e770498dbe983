using System.Data;
using System.Globalization;
using FuncLedger.Core.Operations;
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
}

internal sealed partial class Reconciler(LedgerUnitOfWork unitOfWork, TimeProvider time, ILogger<Reconciler> logger) : IReconciler
{
    public const int RecentRunsMax = 100;

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
        var scan = await unitOfWork.RunAsync(ScanAsync, cancellationToken);
        request.Progress?.Report(new ReconciliationProgress("scan", scan.WalletsChecked, scan.WalletsChecked));
        foreach (var drift in scan.Drifts)
        {
            LogDrift(logger, drift.WalletId, drift.CachedBalance, drift.LedgerBalance);
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
            var run = new ReconciliationRun
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

        LogSummary(logger, request.Trigger, request.Fix, scan.WalletsChecked, scan.Drifts.Count, corrections, scan.BalancesTotal == scan.EntriesTotal);
        return new ReconciliationReport(runId, started, finished, request.Fix, scan.WalletsChecked, scan.Drifts, corrections,
            scan.BalancesTotal, scan.EntriesTotal);
    }

    public async Task<IReadOnlyList<ReconciliationRun>> RecentRunsAsync(int count, CancellationToken cancellationToken = default)
    {
        if (count is < 1 or > RecentRunsMax)
        {
            throw new ArgumentOutOfRangeException(nameof(count), $"count must be 1 to {RecentRunsMax}.");
        }

        return await unitOfWork.RunAsync(async (db, ct) =>
            (IReadOnlyList<ReconciliationRun>)await db.ReconciliationRuns.OrderByDescending(r => r.Id).Take(count).ToListAsync(ct),
            cancellationToken);
    }

    private async Task<Scan> ScanAsync(LedgerDbContext db, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        await using var scan = db.Database.GetDbConnection().CreateCommand();
        scan.CommandText = unitOfWork.Dialect.DriftScan;
        // One statement: one consistent snapshot for the drift list and the totals, without blocking writers.
        // Streamed: only drifted wallets and one summary row leave the server.
        await using var reader = await scan.ExecuteReaderAsync(CommandBehavior.SequentialAccess, ct);
        var drifts = new List<WalletDrift>();
        long wallets = 0, balances = 0, entries = 0;
        while (await reader.ReadAsync(ct))
        {
            var isDrift = !await reader.IsDBNullAsync(0, ct);
            var driftId = isDrift ? reader.GetInt64(0) : 0;
            var (count, cached, ledger) = (reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
            checked
            {
                wallets += count;
                balances += cached;
                entries += ledger;
            }

            if (isDrift)
            {
                drifts.Add(new WalletDrift(driftId, cached, ledger));
            }
        }

        drifts.Sort((a, b) => a.WalletId.CompareTo(b.WalletId));
        return new Scan(wallets, balances, entries, drifts);
    }

    private async Task<long> FixChunkAsync(LedgerDbContext db, long[] walletIds, CancellationToken ct)
    {
        var dialect = unitOfWork.Dialect;
        await db.Database.OpenConnectionAsync(ct);
        var connection = db.Database.GetDbConnection();
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);
        var cached = new Dictionary<long, long>(walletIds.Length);
        var sums = new Dictionary<long, long>(walletIds.Length);
        await using (var read = connection.CreateCommand())
        {
            read.Transaction = transaction;
            read.CommandText = dialect.LockWalletsWithLedgerSums(walletIds.Length);
            for (var i = 0; i < walletIds.Length; i++)
            {
                LedgerWriter.Add(read, string.Create(CultureInfo.InvariantCulture, $"@w{i}"), walletIds[i]);
            }

            await using var reader = await read.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                cached[reader.GetInt64(0)] = reader.GetInt64(1);
            }

            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                sums[reader.GetInt64(0)] = reader.GetInt64(1);
            }
        }

        // Re-checked under the locks: a wallet a concurrent transfer already fixed up, or that moved since the
        // scan, is corrected to what its entries say now, never to what the scan saw.
        var fixes = cached.Where(w => w.Value != sums.GetValueOrDefault(w.Key)).OrderBy(w => w.Key)
            .Select(w => (WalletId: w.Key, Balance: sums.GetValueOrDefault(w.Key))).ToArray();
        if (fixes.Length > 0)
        {
            await using var write = connection.CreateCommand();
            write.Transaction = transaction;
            write.CommandText = dialect.SetBalances(fixes.Length);
            LedgerWriter.Add(write, "@now", time.GetUtcNow().UtcDateTime);
            for (var i = 0; i < fixes.Length; i++)
            {
                LedgerWriter.Add(write, string.Create(CultureInfo.InvariantCulture, $"@w{i}"), fixes[i].WalletId);
                LedgerWriter.Add(write, string.Create(CultureInfo.InvariantCulture, $"@b{i}"), fixes[i].Balance);
            }

            await write.ExecuteNonQueryAsync(ct);
        }

        await transaction.CommitAsync(ct);
        foreach (var fix in fixes)
        {
            LogCorrected(logger, fix.WalletId, cached[fix.WalletId], fix.Balance);
        }

        return fixes.Length;
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Wallet {WalletId} drifts: cached {CachedBalance}, ledger {LedgerBalance}")]
    private static partial void LogDrift(ILogger logger, long walletId, long cachedBalance, long ledgerBalance);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Wallet {WalletId} corrected: cached {CachedBalance} set to ledger {LedgerBalance}")]
    private static partial void LogCorrected(ILogger logger, long walletId, long cachedBalance, long ledgerBalance);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information,
        Message = "Reconciliation ({Trigger}, fix {Fix}): {WalletsChecked} wallets checked, {DriftCount} drifted, {Corrections} corrected, totals match {TotalsMatch}")]
    private static partial void LogSummary(ILogger logger, string trigger, bool fix, long walletsChecked, int driftCount, long corrections, bool totalsMatch);
}
