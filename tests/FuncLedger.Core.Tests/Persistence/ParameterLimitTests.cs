using FuncLedger.Core.Domain;
using FuncLedger.Core.Operations;
using FuncLedger.Core.Persistence;
using FuncLedger.Core.Persistence.Commands;
using FuncLedger.Core.Persistence.Sqlite;
using FuncLedger.Core.Reconciliation;
using FuncLedger.Core.Tests.Infrastructure;

namespace FuncLedger.Core.Tests.Persistence;

/// <summary>
/// Every command built for the largest batch of every operation stays within its provider's parameter limit (SQL Server:
/// 2,100 per request, so a payout batch of 256 awards to 256 wallets, 2,561 parameters in one command, failed with error
/// 8003 and went to the poison queue); a write past the limit is split into several commands of one transaction, which
/// runs for real on SQLite with a small limit.
/// </summary>
[Collection(SqliteCollection.Name)]
public sealed class ParameterLimitTests(SqliteDatabaseFixture database) : LedgerTestBase(database)
{
    public static TheoryData<LedgerProvider, int> Limits() => new()
    {
        { LedgerProvider.SqlServer, Sql.SqlServerParametersMax },
        { LedgerProvider.Sqlite, Sql.SqliteParametersMax },
        { LedgerProvider.Postgres, Sql.PostgresParametersMax },
    };

    [Theory]
    [MemberData(nameof(Limits))]
    public void Every_command_of_the_largest_batch_stays_within_the_provider_limit(LedgerProvider provider, int limit)
    {
        var store = LedgerStore.For(provider);
        foreach (var postings in (int[])[1, 2, LedgerLimits.PayoutBatchSizeMax, LedgerLimits.AwardBatchSizeMax, LedgerLimits.PostingLegsMax])
        {
            // Keys and owners of one lookup: every posting keyed, every posting another owner (the most parameters).
            Assert.InRange(postings + postings, 1, limit);
            var plan = ((RowWriteCommand)store.Write).Plan(wallets: postings, entries: postings);
            Assert.All(plan, c => Assert.InRange(1 + RowWriteCommand.ExtraParameters + (RowWriteCommand.WalletParameters * c.Wallets) + (RowWriteCommand.EntryParameters * c.Entries), 1, limit));
            Assert.Equal((postings, postings), (plan.Sum(c => c.Wallets), plan.Sum(c => c.Entries)));
        }

        // Reconciliation's fix: the lock binds one id per wallet, the update two per wallet and @now.
        Assert.InRange(ReconciliationLimits.FixChunkSizeMax, 1, limit);
        Assert.InRange((2 * ReconciliationLimits.FixChunkSizeMax) + 1, 1, limit);
    }

    [Fact]
    public void A_full_payout_batch_on_SQL_Server_is_split_into_several_commands()
    {
        var plan = ((RowWriteCommand)LedgerStore.For(LedgerProvider.SqlServer).Write).Plan(LedgerLimits.PayoutBatchSizeMax, LedgerLimits.PayoutBatchSizeMax);

        Assert.True(plan.Count > 1, $"{plan.Count} command(s)");
    }

    [Fact]
    public async Task A_write_split_into_several_commands_writes_every_entry_once_with_running_balances()
    {
        var store = new SmallLimitStore(parametersMax: 40);
        var now = new DateTime(2026, 11, 1, 12, 0, 0, DateTimeKind.Utc);
        var postings = Enumerable.Range(0, 30).Select(i =>
        {
            var key = IdempotencyKeys.Participation(8_000 + i);
            var fingerprint = RequestFingerprint.Compute(LedgerOperation.Credit, 1 + (i % 17), 0, 10 + i, "award", null);
            return new Posting(i, 1 + (i % 17), 10 + i, "award", key, fingerprint, null, EntrySource.Award, CreateWallet: true);
        }).ToArray();
        Assert.True(((RowWriteCommand)store.Write).Plan(17, 30).Count > 2);

        await using var context = Db.CreateContext();
        var posted = (await LedgerWriter.PostAsync(context, store, postings, WriteRecord.None, now, CancellationToken.None)).Postings;

        Assert.Equal(30, await Db.EntryCountAsync());
        Assert.Equal(posted.Select(p => p.EntryId).Distinct().Count(), posted.Length);
        Assert.Equal(postings.Sum(p => p.Delta), await Db.SumOfBalancesAsync());
        Assert.Equal(0, await Db.DriftedWalletCountAsync());
        for (var i = 0; i < postings.Length; i++)
        {
            Assert.Equal(1, await Db.ScalarAsync(
                $"SELECT COUNT(*) FROM ledger_entries WHERE id = {posted[i].EntryId} AND idempotency_key = '{postings[i].Key}' AND balance_after = {posted[i].BalanceAfter}"));
        }

        Assert.Equal(0, await Db.ScalarAsync(
            "SELECT COUNT(*) FROM ledger_entries e WHERE e.balance_after <> (SELECT SUM(x.amount) FROM ledger_entries x WHERE x.wallet_id = e.wallet_id AND x.id <= e.id)"));
    }

    /// <summary>SQLite's commands with a small parameter limit, so a 30-posting write needs several commands.</summary>
    private sealed class SmallLimitStore(int parametersMax) : LedgerStore
    {
        public override LedgerProvider Provider => LedgerProvider.Sqlite;

        public override DatabaseErrors Errors => SqliteStore.Instance.Errors;

        public override LookupAndLockCommand LookupAndLock => SqliteStore.Instance.LookupAndLock;

        public override CreateWalletCommand CreateWallet => SqliteStore.Instance.CreateWallet;

        public override WriteCommand Write { get; } = new RowWriteCommand(parametersMax);

        public override LockSumSetCommand LockSumSet => SqliteStore.Instance.LockSumSet;

        public override AppliedMigrationsCommand AppliedMigrations => SqliteStore.Instance.AppliedMigrations;
    }
}
