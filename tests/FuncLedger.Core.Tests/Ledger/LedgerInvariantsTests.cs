using FuncLedger.TestSupport;
using FuncLedger.Core.Domain;
using FuncLedger.Core.Tests.Infrastructure;

namespace FuncLedger.Core.Tests.Ledger;

/// <summary>The seed's ledger invariants: conservation, non-negative balances, immutable entries, ordering, recalculation.</summary>
public abstract class LedgerInvariantsTests(ILedgerDatabase database) : LedgerTestBase(database)
{
    [Fact]
    public async Task Conservation_holds_after_credits_debits_and_transfers()
    {
        await Ledger.CreditAsync(1, 1_000, "seed");
        await Ledger.CreditAsync(2, 500, "seed");
        await Ledger.TransferAsync(1, 2, 300, "move");
        await Ledger.TransferAsync(2, 3, 100, "move");
        await Ledger.DebitAsync(1, 50, "spend");

        Assert.Equal(1_450, await Db.SumOfBalancesAsync());
        Assert.Equal(1_450, await Db.SumOfEntriesAsync());
        Assert.Equal(0, await Db.DriftedWalletCountAsync());
    }

    [Fact]
    public async Task Conservation_holds_under_concurrent_transfers()
    {
        const int owners = 5;
        for (var o = 1; o <= owners; o++)
        {
            await Ledger.CreditAsync(o, 1_000, "seed");
        }

        await Parallel.ForAsync(0, 200, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var from = (i % owners) + 1;
            var to = ((i * 7 + 3) % owners) + 1;
            if (from == to)
            {
                to = (to % owners) + 1;
            }

            try
            {
                await Ledger.TransferAsync(from, to, (i % 13) + 1, "concurrent", cancellationToken: ct);
            }
            catch (InsufficientFundsException)
            {
            }
        });

        Assert.Equal(owners * 1_000, await Db.SumOfBalancesAsync());
        Assert.Equal(owners * 1_000, await Db.SumOfEntriesAsync());
        Assert.Equal(0, await Db.DriftedWalletCountAsync());
    }

    [Fact]
    public async Task A_debit_below_zero_without_overdraft_is_insufficient_funds_and_changes_nothing()
    {
        await Ledger.CreditAsync(1, 100, "seed");
        var before = await Db.SnapshotAsync();

        var error = await Assert.ThrowsAsync<InsufficientFundsException>(() => Ledger.DebitAsync(1, 101, "too much"));

        Assert.Equal(100, error.Balance);
        Assert.Equal(101, error.Amount);
        Assert.Equal(before, await Db.SnapshotAsync());
    }

    [Fact]
    public async Task A_wallet_with_overdraft_may_go_below_zero()
    {
        await Ledger.CreditAsync(1, 10, "seed");
        await Db.SetOverdraftAsync(1);

        var result = await Ledger.DebitAsync(1, 25, "overdraft");

        Assert.Equal(-15, result.BalanceAfter);
        Assert.Equal(-15, await Ledger.GetBalanceAsync(1));
        Assert.Equal(0, await Db.DriftedWalletCountAsync());
    }

    [Fact]
    public async Task The_database_refuses_to_update_an_entry_amount()
    {
        var credit = await Ledger.CreditAsync(1, 100, "seed");

        await Assert.ThrowsAnyAsync<Exception>(() => Db.ExecuteAsync($"UPDATE ledger_entries SET amount = 999 WHERE id = {credit.TransactionId}"));

        Assert.Equal(100, await Db.ScalarAsync($"SELECT amount FROM ledger_entries WHERE id = {credit.TransactionId}"));
    }

    [Fact]
    public async Task The_database_refuses_to_update_an_entry_reason()
    {
        var credit = await Ledger.CreditAsync(1, 100, "seed");

        await Assert.ThrowsAnyAsync<Exception>(() => Db.ExecuteAsync($"UPDATE ledger_entries SET reason = 'forged' WHERE id = {credit.TransactionId}"));

        var history = await Ledger.GetHistoryAsync(1);
        Assert.Equal("seed", Assert.Single(history).Reason);
    }

    [Fact]
    public async Task The_database_refuses_to_delete_an_entry()
    {
        var credit = await Ledger.CreditAsync(1, 100, "seed");

        await Assert.ThrowsAnyAsync<Exception>(() => Db.ExecuteAsync($"DELETE FROM ledger_entries WHERE id = {credit.TransactionId}"));

        Assert.Equal(1, await Db.EntryCountAsync());
    }

    [Fact]
    public async Task Entries_are_ordered_monotonically_by_time_and_id()
    {
        var ids = new List<long>();
        for (var i = 1; i <= 5; i++)
        {
            ids.Add((await Ledger.CreditAsync(1, i, $"credit {i}")).TransactionId);
        }

        var history = await Ledger.GetHistoryAsync(1);

        Assert.Equal(ids.AsEnumerable().Reverse(), history.Select(h => h.Id));
        Assert.True(history.Zip(history.Skip(1)).All(p => p.First.CreatedAt > p.Second.CreatedAt));
        Assert.Equal([15L, 10, 6, 3, 1], history.Select(h => h.BalanceAfter));
    }

    [Fact]
    public async Task Recalculate_rebuilds_a_drifted_cached_balance_from_the_entries()
    {
        await Ledger.CreditAsync(1, 100, "seed");
        await Ledger.DebitAsync(1, 30, "spend");
        var wallet = await Db.WalletIdAsync(1);
        await Db.ExecuteAsync($"UPDATE wallets SET cached_balance = 5000 WHERE id = {wallet}");

        var rebuilt = await Db.Reconciler.RecalculateAsync(wallet);

        Assert.Equal(70, rebuilt);
        Assert.Equal(70, await Ledger.GetBalanceAsync(1));
        Assert.Equal(0, await Db.DriftedWalletCountAsync());
        await Assert.ThrowsAsync<InvalidWalletException>(() => Db.Reconciler.RecalculateAsync(wallet + 1000));
        await Assert.ThrowsAsync<InvalidWalletException>(() => Db.Reconciler.RecalculateAsync(0));
    }

    [Fact]
    public async Task Recalculate_is_atomic_beside_concurrent_writes()
    {
        await Ledger.CreditAsync(1, 1_000, "seed");
        await Ledger.CreditAsync(2, 1_000, "seed");
        var wallet = await Db.WalletIdAsync(1);

        var writes = Parallel.ForAsync(0, 60, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, ct) =>
        {
            if (i % 2 == 0)
            {
                await Ledger.TransferAsync(2, 1, 3, "in", cancellationToken: ct);
            }
            else
            {
                await Ledger.CreditAsync(1, 1, "tick", cancellationToken: ct);
            }
        });
        var recalculations = Task.Run(async () =>
        {
            for (var i = 0; i < 20; i++)
            {
                await Db.Reconciler.RecalculateAsync(wallet);
            }
        });
        await Task.WhenAll(writes, recalculations);

        Assert.Equal(0, await Db.DriftedWalletCountAsync());
        Assert.Equal(1_000 + (30 * 3) + 30, await Ledger.GetBalanceAsync(1));
        Assert.Equal(await Db.SumOfEntriesAsync(), await Db.SumOfBalancesAsync());
    }
}

[Collection(SqliteCollection.Name)]
public sealed class LedgerInvariantsSqliteTests(SqliteDatabaseFixture database) : LedgerInvariantsTests(database);

[Collection(PostgresCollection.Name)]
public sealed class LedgerInvariantsPostgresTests(PostgresDatabaseFixture database) : LedgerInvariantsTests(database);
