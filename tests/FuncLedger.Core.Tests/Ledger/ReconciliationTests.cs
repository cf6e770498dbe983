using FuncLedger.Core.Domain;
using FuncLedger.TestSupport;
using FuncLedger.Core.Payouts;
using FuncLedger.Core.Reconciliation;
using FuncLedger.Core.Tests.Infrastructure;

namespace FuncLedger.Core.Tests.Ledger;

/// <summary>The set-based drift check and its chunked, lock-checked fix.</summary>
public abstract class ReconciliationTests(ILedgerDatabase database) : LedgerTestBase(database)
{
    private Task DriftAsync(long ownerId, long cachedBalance) =>
        Db.ExecuteAsync($"UPDATE wallets SET cached_balance = {cachedBalance} WHERE owner_id = {ownerId}");

    [Fact]
    public async Task A_clean_ledger_reports_no_drift_and_matching_totals()
    {
        await Ledger.CreditAsync(1, 100, "seed");
        await Ledger.TransferAsync(1, 2, 40, "gift");

        var report = await Db.Reconciler.RunAsync(new ReconcileRequest(Fix: false, ReconciliationTriggers.Cli));

        Assert.Equal(2, report.WalletsChecked);
        Assert.Empty(report.Drifts);
        Assert.True(report.TotalsMatch);
        Assert.Equal(100, report.BalancesTotal);
        Assert.Equal(0, report.CorrectionsApplied);
    }

    [Fact]
    public async Task A_dry_run_names_each_drifted_wallet_and_changes_nothing()
    {
        await Ledger.CreditAsync(1, 100, "seed");
        await Ledger.CreditAsync(2, 50, "seed");
        await Ledger.CreditAsync(3, 70, "seed");
        await DriftAsync(1, 90);
        await DriftAsync(3, 75);
        var before = await Db.SnapshotAsync();

        var report = await Db.Reconciler.RunAsync(new ReconcileRequest(Fix: false, ReconciliationTriggers.Cli, Record: false));

        Assert.Equal(
            [new WalletDrift(await Db.WalletIdAsync(1), 90, 100), new WalletDrift(await Db.WalletIdAsync(3), 75, 70)],
            report.Drifts);
        Assert.Equal([10L, -5L], report.Drifts.Select(d => d.Delta));
        Assert.False(report.TotalsMatch);
        Assert.Equal(0, report.CorrectionsApplied);
        Assert.Equal(before, await Db.SnapshotAsync());
    }

    [Fact]
    public async Task A_fix_corrects_only_the_drifted_wallets_in_chunks_and_records_the_run()
    {
        for (var owner = 1; owner <= 7; owner++)
        {
            await Ledger.CreditAsync(owner, owner * 10, "seed");
        }

        await DriftAsync(2, 0);
        await DriftAsync(4, 1);
        await DriftAsync(6, 999);
        var untouched = await Db.ScalarAsync("SELECT cached_balance FROM wallets WHERE owner_id = 5");

        var report = await Db.Reconciler.RunAsync(new ReconcileRequest(Fix: true, ReconciliationTriggers.Timer, ChunkSize: 2));

        Assert.Equal(3, report.DriftCount);
        Assert.Equal(3, report.CorrectionsApplied);
        Assert.Equal(0, await Db.DriftedWalletCountAsync());
        Assert.Equal(untouched, await Db.ScalarAsync("SELECT cached_balance FROM wallets WHERE owner_id = 5"));
        Assert.Equal(await Db.SumOfEntriesAsync(), await Db.SumOfBalancesAsync());

        var run = Assert.Single(await Db.Reconciler.RecentRunsAsync(10));
        Assert.Equal(report.RunId, run.Id);
        Assert.Equal(ReconciliationTriggers.Timer, run.Trigger);
        Assert.True(run.Fix);
        Assert.Equal(7, run.WalletsChecked);
        Assert.Equal(3, run.DriftCount);
        Assert.Equal(3, run.CorrectionsApplied);
        Assert.Equal(string.Join(',', report.Drifts.Select(d => d.WalletId)), run.DriftedWalletIds);

        var again = await Db.Reconciler.RunAsync(new ReconcileRequest(Fix: false, ReconciliationTriggers.Cli));
        Assert.Empty(again.Drifts);
        Assert.True(again.TotalsMatch);
    }

    [Fact]
    public async Task An_empty_wallet_and_an_overdrawn_wallet_are_checked_like_any_other()
    {
        await Ledger.CreditAsync(1, 10, "seed");
        await Ledger.DebitAsync(1, 10, "spend");
        await Ledger.CreditAsync(2, 5, "seed");
        await Db.SetOverdraftAsync(2);
        await Ledger.DebitAsync(2, 25, "overdraft");
        await DriftAsync(2, -19);

        var report = await Db.Reconciler.RunAsync(new ReconcileRequest(Fix: true, ReconciliationTriggers.Cli));

        var drift = Assert.Single(report.Drifts);
        Assert.Equal(new WalletDrift(await Db.WalletIdAsync(2), -19, -20), drift);
        Assert.Equal(0, await Ledger.GetBalanceAsync(1));
        Assert.Equal(-20, await Ledger.GetBalanceAsync(2));
        Assert.Equal(0, await Db.DriftedWalletCountAsync());
    }

    [Fact]
    public async Task Cached_held_coins_that_differ_from_the_pending_holds_are_drift_and_a_fix_rebuilds_them()
    {
        await Ledger.CreditAsync(2, 50, "seed");
        await Ledger.HoldAsync(2, 10, "cart", "held-3");
        Db.Time.Shift(TimeSpan.FromHours(1));
        await Ledger.CreditAsync(1, 100, "seed");
        await Ledger.HoldAsync(1, 30, "cart", "held-1");
        await Ledger.VoidHoldAsync(new VoidCommand((await Ledger.HoldAsync(1, 20, "cart", "held-2")).HoldId));
        await Ledger.CreditAsync(3, 70, "seed");
        await Ledger.HoldAsync(3, 7, "cart", "held-4");
        await Db.ExecuteAsync("UPDATE wallets SET held = 5 WHERE owner_id = 1");
        await Db.ExecuteAsync("UPDATE wallets SET held = 0, cached_balance = 69 WHERE owner_id = 3");
        var before = await Db.SnapshotAsync();

        var dryRun = await Db.Reconciler.RunAsync(new ReconcileRequest(Fix: false, ReconciliationTriggers.Cli, Record: false));

        // Wallet 2's hold expired without the timer: still pending, so its cached held coins agree and it does not drift.
        Assert.Equal(
            [new WalletDrift(await Db.WalletIdAsync(1), 100, 100, 5, 30), new WalletDrift(await Db.WalletIdAsync(3), 69, 70, 0, 7)],
            dryRun.Drifts);
        Assert.Equal([25L, 7L], dryRun.Drifts.Select(d => d.HeldDelta));
        Assert.Equal(before, await Db.SnapshotAsync());
        Assert.Equal(2, await Db.HeldDriftCountAsync());

        var report = await Db.Reconciler.RunAsync(new ReconcileRequest(Fix: true, ReconciliationTriggers.Cli, ChunkSize: 1));

        Assert.Equal(2, report.CorrectionsApplied);
        Assert.Equal(0, await Db.HeldDriftCountAsync());
        Assert.Equal(0, await Db.DriftedWalletCountAsync());
        Assert.Equal(new WalletBalance(1, 100, 30, 70, false, false), await Ledger.GetWalletAsync(1));
        Assert.Equal(new WalletBalance(3, 70, 7, 63, false, false), await Ledger.GetWalletAsync(3));
        await Assert.ThrowsAsync<InsufficientFundsException>(() => Ledger.DebitAsync(1, 71, "reaches into the hold"));

        await Db.ExecuteAsync("UPDATE wallets SET held = 999 WHERE owner_id = 2");
        Assert.Equal(50, await Db.Reconciler.RecalculateAsync(await Db.WalletIdAsync(2)));
        Assert.Equal(0, await Db.HeldDriftCountAsync());
        Assert.Equal(1, await Ledger.ReleaseExpiredHoldsAsync());
        Assert.Empty((await Db.Reconciler.RunAsync(new ReconcileRequest(Fix: false, ReconciliationTriggers.Cli))).Drifts);
    }

    [Fact]
    public async Task A_rejected_payout_is_recorded_once_per_message()
    {
        var rejection = new PayoutRejection
        {
            MessageId = "m-1", AwardType = "placement", RegistrationId = 9, Place = 2,
            ReasonCode = "idempotency_conflict", Detail = "different amount", DequeueCount = 1,
        };

        Assert.True(await Db.Rejections.RecordAsync(rejection));
        Assert.False(await Db.Rejections.RecordAsync(rejection));

        var stored = Assert.Single(await Db.Rejections.RecentAsync(10));
        Assert.Equal(("m-1", "placement", 9L, 2, "idempotency_conflict"),
            (stored.MessageId, stored.AwardType, stored.RegistrationId, stored.Place, stored.ReasonCode));
    }
}

[Collection(SqliteCollection.Name)]
public sealed class ReconciliationSqliteTests(SqliteDatabaseFixture database) : ReconciliationTests(database);

[Collection(PostgresCollection.Name)]
public sealed class ReconciliationPostgresTests(PostgresDatabaseFixture database) : ReconciliationTests(database)
{
    [Fact]
    public async Task A_fix_during_concurrent_transfers_never_overwrites_a_write_and_ends_with_zero_drift()
    {
        const int owners = 40;
        for (var owner = 1; owner <= owners; owner++)
        {
            await Ledger.CreditAsync(owner, 10_000, "seed");
        }

        await Db.ExecuteAsync("UPDATE wallets SET cached_balance = cached_balance + 3 WHERE id % 3 = 0");
        using var stop = new CancellationTokenSource();
        var transfers = Task.Run(async () =>
        {
            var random = new Random(7);
            var done = 0;
            while (!stop.IsCancellationRequested || done < 50)
            {
                var from = random.Next(1, owners + 1);
                var to = (from % owners) + 1;
                await Ledger.TransferAsync(from, to, random.Next(1, 20), "during-fix");
                done++;
            }

            return done;
        });

        var fixedTotal = 0L;
        for (var pass = 0; pass < 3; pass++)
        {
            fixedTotal += (await Db.Reconciler.RunAsync(new ReconcileRequest(Fix: true, ReconciliationTriggers.Cli, Record: false, ChunkSize: 4))).CorrectionsApplied;
        }

        await stop.CancelAsync();
        var applied = await transfers;

        Assert.True(applied >= 50);
        Assert.Equal(owners / 3, fixedTotal);
        Assert.Equal(0, await Db.DriftedWalletCountAsync());
        Assert.Equal(owners * 10_000, await Db.SumOfEntriesAsync());
        Assert.Equal(await Db.SumOfEntriesAsync(), await Db.SumOfBalancesAsync());
    }
}
