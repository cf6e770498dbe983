using System.Data.Common;
using FuncLedger.Core.Domain;
using FuncLedger.Core.Payouts;
using FuncLedger.Core.Persistence;
using FuncLedger.Core.Tests.Infrastructure;
using FuncLedger.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace FuncLedger.Core.Tests.Ledger;

/// <summary>
/// SQLite runs in the process, so it has no round trips to count (PostgreSQL's are pinned by <see cref="RoundTripTests"/>);
/// what each operation costs on the general path, the flow SQLite and SQL Server run, is pinned here in statements
/// executed, counted by SQLite itself (sqlite3_trace on every connection the ledger opens). Raising a count is a regression.
/// </summary>
public sealed class SqliteStatementCountTests : IAsyncLifetime
{
    private readonly SqliteTestDatabase _database = new();
    private readonly StatementCounter _counter = new();
    private LedgerHarness? _harness;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _harness = new LedgerHarness(LedgerProvider.Sqlite, await _database.CreateAsync(), interceptor: _counter);
        await Ledger.CreditAsync(1, 1_000, "warm", "st-warm-1");
        await Ledger.TransferAsync(1, 2, 10, "warm", "st-warm-2");
    }

    public async Task DisposeAsync()
    {
        await _harness!.DisposeAsync();
        await _database.DisposeAsync();
    }

    private Core.Operations.ILedger Ledger => _harness!.Ledger;

    private async Task<long> StatementsAsync(Func<Task> operation)
    {
        _counter.Reset();
        await operation();
        return _counter.Statements;
    }

    [Fact]
    public async Task Each_operation_runs_its_pinned_number_of_statements()
    {
        var counts = new Dictionary<string, long>
        {
            ["credit, new wallet"] = await StatementsAsync(() => Ledger.CreditAsync(5, 100, "st", "st-credit")),
            ["credit"] = await StatementsAsync(() => Ledger.CreditAsync(5, 100, "st", "st-credit-2")),
            ["transfer"] = await StatementsAsync(() => Ledger.TransferAsync(1, 2, 10, "st", "st-transfer")),
            ["replay"] = await StatementsAsync(() => Ledger.TransferAsync(1, 2, 10, "st", "st-transfer")),
            ["refusal"] = await StatementsAsync(() => Assert.ThrowsAsync<InsufficientFundsException>(
                () => Ledger.DebitAsync(2, 1_000_000, "st", "st-refusal"))),
            ["award batch of 50"] = await StatementsAsync(() => Ledger.AwardAsync(
                [.. Enumerable.Range(1, 50).Select(i => new Award(2_000 + i, null, OwnerId.From(10 + i), Coins.From(5)))])),
        };
        long holdId = 0;
        counts["hold"] = await StatementsAsync(async () => holdId = (await Ledger.HoldAsync(5, 20, "st", "st-hold")).HoldId);
        counts["capture"] = await StatementsAsync(() => Ledger.CaptureAsync(holdId, toOwnerId: 6));

        // 2026-12-05. A transfer: BEGIN IMMEDIATE, the keys, the wallets, the client's key registered, two balance updates, two
        // entries, COMMIT; a replay stops after the keys. A refusal keeps the refusal and registers the key. A capture also reads
        // its hold first, releases it, and creates the payee's wallet (unkeyed here: nothing to register).
        var pinned = new Dictionary<string, long>
        {
            ["credit, new wallet"] = 10,
            ["credit"] = 7,
            ["transfer"] = 9,
            ["replay"] = 4,
            ["refusal"] = 6,
            ["award batch of 50"] = 156,
            ["hold"] = 11,
            ["capture"] = 16,
        };
        Assert.True(pinned.OrderBy(p => p.Key).SequenceEqual(counts.OrderBy(p => p.Key)),
            "statements: " + string.Join(", ", counts.Select(c => $"{c.Key} {c.Value}")));
    }

    /// <summary>Counts the statements SQLite starts on every connection the ledger opens.</summary>
    private sealed class StatementCounter : DbConnectionInterceptor
    {
        private long _statements;

        public long Statements => Interlocked.Read(ref _statements);

        public void Reset() => Interlocked.Exchange(ref _statements, 0);

        public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData,
            CancellationToken cancellationToken = default)
        {
            Trace(connection);
            return Task.CompletedTask;
        }

        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Trace(connection);

        private void Trace(DbConnection connection) =>
            SQLitePCL.raw.sqlite3_trace(((SqliteConnection)connection).Handle, (SQLitePCL.strdelegate_trace)Count, null);

        private void Count(object userData, string statement) => Interlocked.Increment(ref _statements);
    }
}
