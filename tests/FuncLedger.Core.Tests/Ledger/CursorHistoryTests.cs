using FuncLedger.Core.Domain;
using FuncLedger.Core.Tests.Infrastructure;
using FuncLedger.TestSupport;

namespace FuncLedger.Core.Tests.Ledger;

/// <summary>History by cursor: keyset pages that never skip or repeat, signed cursors bound to owner and filters.</summary>
public abstract class CursorHistoryTests(ILedgerDatabase database) : LedgerTestBase(database)
{
    protected Task<HistoryPage> PageAsync(long owner, HistoryQuery query) => Ledger.GetHistoryPageAsync(OwnerId.From(owner), query);

    [Fact]
    public async Task Pages_follow_each_other_newest_first_until_the_last_which_has_no_cursor()
    {
        for (var i = 1; i <= 12; i++)
        {
            await Ledger.CreditAsync(1, i, "r");
        }

        var ids = new List<long>();
        var pages = 0;
        string? cursor = null;
        do
        {
            var page = await PageAsync(1, new HistoryQuery(5, cursor));
            ids.AddRange(page.Items.Select(i => i.Id));
            cursor = page.NextCursor;
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(3, pages);
        Assert.Equal(12, ids.Count);
        Assert.Equal(ids.OrderByDescending(i => i), ids);
        Assert.Null((await PageAsync(1, new HistoryQuery(12))).NextCursor);
        Assert.NotNull((await PageAsync(1, new HistoryQuery(11))).NextCursor);
        Assert.Empty((await PageAsync(2, new HistoryQuery(5))).Items);
    }

    [Fact]
    public async Task Filters_select_by_sign_and_time_window_and_a_cursor_only_serves_its_own_owner_and_filters()
    {
        await Ledger.CreditAsync(1, 100, "a");
        Db.Time.Shift(TimeSpan.FromHours(1));
        await Ledger.DebitAsync(1, 10, "b");
        await Ledger.DebitAsync(1, 20, "c");
        Db.Time.Shift(TimeSpan.FromHours(1));
        await Ledger.CreditAsync(1, 5, "d");
        await Ledger.CreditAsync(2, 5, "other");
        var all = (await PageAsync(1, new HistoryQuery(10))).Items;
        var (first, last) = (new DateTimeOffset(all[^1].CreatedAt, TimeSpan.Zero), new DateTimeOffset(all[0].CreatedAt, TimeSpan.Zero));

        var debits = await PageAsync(1, new HistoryQuery(1, Type: HistoryType.Debit));
        var windowFirst = await PageAsync(1, new HistoryQuery(1, From: first.AddMinutes(30), To: last));
        var windowNext = await PageAsync(1, new HistoryQuery(1, windowFirst.NextCursor, From: first.AddMinutes(30), To: last));
        var credits = await PageAsync(1, new HistoryQuery(10, Type: HistoryType.Credit));

        Assert.Equal(["c"], debits.Items.Select(i => i.Reason));
        Assert.Equal(["b"], (await PageAsync(1, new HistoryQuery(1, debits.NextCursor, Type: HistoryType.Debit))).Items.Select(i => i.Reason));
        Assert.Equal(["c", "b"], windowFirst.Items.Concat(windowNext.Items).Select(i => i.Reason));
        Assert.Null(windowNext.NextCursor);
        Assert.Equal(["d", "a"], credits.Items.Select(i => i.Reason));
        await Assert.ThrowsAsync<LedgerValidationException>(() => PageAsync(2, new HistoryQuery(1, debits.NextCursor, Type: HistoryType.Debit)));
        await Assert.ThrowsAsync<LedgerValidationException>(() => PageAsync(1, new HistoryQuery(1, debits.NextCursor)));
        await Assert.ThrowsAsync<LedgerValidationException>(() => PageAsync(1, new HistoryQuery(2, debits.NextCursor, Type: HistoryType.Debit)));
        await Assert.ThrowsAsync<LedgerValidationException>(() => PageAsync(1, new HistoryQuery(10, From: last, To: first)));
    }

    [Fact]
    public async Task A_changed_or_forged_cursor_is_refused()
    {
        for (var i = 1; i <= 4; i++)
        {
            await Ledger.CreditAsync(1, i, "r");
        }

        var cursor = (await PageAsync(1, new HistoryQuery(2))).NextCursor!;
        var payload = cursor.Split('.')[0];
        var forgedPayload = Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes("h1|1|999999|||||2")).TrimEnd('=');

        foreach (var bad in new[]
        {
            cursor[..^2] + (cursor[^2] == 'A' ? "BA" : "AA"), payload, forgedPayload + "." + cursor.Split('.')[1], "x", "a.b.c", "YQ.YQ",
            "%%.%%", payload + ".%%",
        })
        {
            var error = await Assert.ThrowsAsync<LedgerValidationException>(() => PageAsync(1, new HistoryQuery(2, bad)));
            Assert.Equal("cursor", Assert.Single(error.Errors).Field);
        }

        Assert.Equal(2, (await PageAsync(1, new HistoryQuery(2, cursor))).Items.Count);
    }

}

/// <summary>SQLite gives every test its own copy of the database, so one may remove the key.</summary>
[Collection(SqliteCollection.Name)]
public sealed class CursorHistorySqliteTests(SqliteDatabaseFixture database) : CursorHistoryTests(database)
{
    [Fact]
    public async Task A_database_without_its_cursor_key_is_an_invariant_error_not_an_unsigned_cursor()
    {
        await Ledger.CreditAsync(1, 1, "r");
        await Db.ExecuteAsync("DELETE FROM ledger_settings");

        var error = await Assert.ThrowsAsync<LedgerInvariantException>(() => PageAsync(1, new HistoryQuery(1)));

        Assert.Contains("cursor key", error.Message, StringComparison.Ordinal);
    }
}

[SqlServerLane, Collection(SqlServerCollection.Name)]
public sealed class CursorHistorySqlServerTests(SqlServerDatabaseFixture database) : CursorHistoryTests(database);

[Collection(PostgresCollection.Name)]
public sealed class CursorHistoryPostgresTests(PostgresDatabaseFixture database) : CursorHistoryTests(database)
{
    [Fact]
    public async Task Pages_never_skip_or_repeat_an_entry_while_others_write_to_the_wallet()
    {
        for (var i = 0; i < 60; i++)
        {
            await Ledger.CreditAsync(1, 1, "before");
        }

        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 3).Select(w => Task.Run(async () =>
        {
            var n = 0;
            while (!stop.IsCancellationRequested)
            {
                await Ledger.CreditAsync(1, 1, "during");
                n++;
            }

            return n;
        })).ToArray();

        var seen = new List<long>();
        var page = await PageAsync(1, new HistoryQuery(7));
        var top = page.Items[0].Id;
        seen.AddRange(page.Items.Select(i => i.Id));
        while (page.NextCursor is not null)
        {
            await Task.Delay(5);
            page = await PageAsync(1, new HistoryQuery(7, page.NextCursor));
            seen.AddRange(page.Items.Select(i => i.Id));
        }

        await stop.CancelAsync();
        var written = (await Task.WhenAll(writers)).Sum();
        var walletId = await Db.WalletIdAsync(1);
        var expected = await Db.ScalarAsync($"SELECT COUNT(*) FROM ledger_entries WHERE wallet_id = {walletId} AND id <= {top}");

        Assert.True(written > 0, "no write ran while paging");
        Assert.Equal(seen.Distinct().Count(), seen.Count);
        Assert.Equal(seen.OrderByDescending(i => i), seen);
        Assert.Equal(expected, seen.Count);
    }
}
