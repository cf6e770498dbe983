using FuncLedger.Core.Tests.Infrastructure;
using FuncLedger.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace FuncLedger.Core.Tests.Ledger;

/// <summary>Balances at an instant, from the entries' balance_after, and the timestamps they rest on.</summary>
public abstract class PointInTimeTests(ILedgerDatabase database) : LedgerTestBase(database)
{
    private async Task<List<(long Id, DateTime CreatedAt, long BalanceAfter)>> EntriesAsync(long ownerId)
    {
        var walletId = await Db.WalletIdAsync(ownerId);
        await using var db = Db.CreateContext();
        return [.. (await db.LedgerEntries.Where(e => e.WalletId == walletId).OrderBy(e => e.Id)
            .Select(e => new { e.Id, e.CreatedAt, e.BalanceAfter }).ToListAsync()).Select(e => (e.Id, e.CreatedAt, e.BalanceAfter))];
    }

    [Fact]
    public async Task The_balance_at_an_instant_is_the_balance_after_the_last_entry_at_or_before_it()
    {
        await Ledger.CreditAsync(1, 100, "first");
        Db.Time.Shift(TimeSpan.FromHours(1));
        await Ledger.DebitAsync(1, 30, "second");
        Db.Time.Shift(TimeSpan.FromHours(1));
        await Ledger.CreditAsync(1, 5, "third");
        var entries = await EntriesAsync(1);
        var times = entries.Select(e => new DateTimeOffset(e.CreatedAt, TimeSpan.Zero)).ToArray();

        Assert.Equal(0, await Ledger.GetBalanceAsync(1, times[0].AddTicks(-1)));
        Assert.Equal(100, await Ledger.GetBalanceAsync(1, times[0]));
        Assert.Equal(100, await Ledger.GetBalanceAsync(1, times[1].AddMinutes(-1)));
        Assert.Equal(70, await Ledger.GetBalanceAsync(1, times[1]));
        Assert.Equal(70, await Ledger.GetBalanceAsync(1, times[1].ToOffset(TimeSpan.FromHours(5)).AddMinutes(30)));
        Assert.Equal(75, await Ledger.GetBalanceAsync(1, times[2].AddDays(1)));
        Assert.Equal(75, await Ledger.GetBalanceAsync(1));
        Assert.Equal(0, await Ledger.GetBalanceAsync(2, times[2]));
    }

    [Fact]
    public async Task A_write_whose_clock_runs_behind_is_stamped_no_earlier_than_the_wallets_last_change()
    {
        await Ledger.CreditAsync(1, 100, "first");
        // The next writes' clock reads an hour earlier (another instance's clock).
        Db.Time.Shift(TimeSpan.FromHours(-1));
        await Ledger.DebitAsync(1, 30, "second");
        await Ledger.CreditAsync(1, 5, "third");
        var entries = await EntriesAsync(1);

        // In the order they were applied, the entries' times never go back, so an instant sees a prefix of the history.
        Assert.All(entries.Zip(entries.Skip(1)), pair => Assert.True(pair.Second.CreatedAt >= pair.First.CreatedAt,
            $"entry {pair.Second.Id} at {pair.Second.CreatedAt:O} is stamped before entry {pair.First.Id} at {pair.First.CreatedAt:O}"));
        Assert.Equal(75, await Ledger.GetBalanceAsync(1, new DateTimeOffset(entries[^1].CreatedAt, TimeSpan.Zero)));
        Assert.Equal(0, await Ledger.GetBalanceAsync(1, new DateTimeOffset(entries[0].CreatedAt, TimeSpan.Zero).AddTicks(-1)));
    }
}

[Collection(SqliteCollection.Name)]
public sealed class PointInTimeSqliteTests(SqliteDatabaseFixture database) : PointInTimeTests(database);

[Collection(PostgresCollection.Name)]
public sealed class PointInTimePostgresTests(PostgresDatabaseFixture database) : PointInTimeTests(database);

[SqlServerLane, Collection(SqlServerCollection.Name)]
public sealed class PointInTimeSqlServerTests(SqlServerDatabaseFixture database) : PointInTimeTests(database);
