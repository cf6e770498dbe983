using FuncLedger.Core.Domain;
using FuncLedger.Core.Tests.Infrastructure;
using FuncLedger.TestSupport;

namespace FuncLedger.Core.Tests.Ledger;

/// <summary>
/// A client's key names one operation, whatever its kind: every ordered pair of kinds (first with key K, then the other with
/// K) answers <see cref="IdempotencyConflictException"/> and writes nothing; the same request again replays. On SQLite and
/// PostgreSQL (both the one-round-trip path and the general one there), and in the SQL Server lane.
/// </summary>
public abstract class OneKeyOneOperationTests(ILedgerDatabase database) : LedgerTestBase(database)
{
    private static readonly string[] Kinds =
        ["credit", "debit", "transfer", "posting", "hold", "capture", "void", "reversal", "posting reversal", "adjustment"];

    private int _fresh;

    public static TheoryData<string> FirstKinds() => [.. Kinds];

    [Theory]
    [MemberData(nameof(FirstKinds))]
    public async Task A_key_that_named_one_operation_is_a_conflict_for_every_other_kind_and_writes_nothing(string first)
    {
        await Ledger.CreditAsync(1, 100_000, "seed");
        foreach (var second in Kinds.Where(k => k != first))
        {
            var key = $"k-{first}-{second}".Replace(' ', '_');
            await RunAsync(first, key, await TargetAsync(first));
            var target = await TargetAsync(second);
            var before = await StateAsync();

            var conflict = await Assert.ThrowsAsync<IdempotencyConflictException>(() => RunAsync(second, key, target));

            Assert.Equal(key, conflict.IdempotencyKey);
            Assert.Equal(before, await StateAsync());
        }

        Assert.Equal((0L, 0L), (await Db.DriftedWalletCountAsync(), await Db.HeldDriftCountAsync()));
    }

    [Theory]
    [MemberData(nameof(FirstKinds))]
    public async Task The_same_request_under_its_key_replays_and_writes_nothing(string kind)
    {
        await Ledger.CreditAsync(1, 100_000, "seed");
        var target = await TargetAsync(kind);
        var key = "again-" + kind.Replace(' ', '_');
        await RunAsync(kind, key, target);
        var before = await StateAsync();

        await RunAsync(kind, key, target);

        Assert.Equal(before, await StateAsync());
    }

    /// <summary>What the operation of <paramref name="kind"/> acts on, made fresh for each use under keys of its own: a hold to
    /// capture or void, an entry to reverse, a posting to reverse whole.</summary>
    private async Task<long> TargetAsync(string kind)
    {
        var n = ++_fresh;
        return kind switch
        {
            "capture" or "void" => (await Ledger.HoldAsync(1, 10, "cart", $"target-hold-{n}")).HoldId,
            "reversal" => (await Ledger.CreditAsync(1, 10, "bonus", $"target-credit-{n}")).TransactionId,
            "posting reversal" => (await Ledger.PostAsync([(1, -10), (2, 5), (3, 5)], "split", $"target-posting-{n}")).PostingId,
            _ => 0,
        };
    }

    private async Task RunAsync(string kind, string key, long target)
    {
        _ = kind switch
        {
            "credit" => (object)await Ledger.CreditAsync(1, 10, "gift", key),
            "debit" => await Ledger.DebitAsync(1, 10, "shop", key),
            "transfer" => await Ledger.TransferAsync(1, 2, 10, "tip", key),
            "posting" => await Ledger.PostAsync([(1, -10), (2, 5), (4, 5)], "split", key),
            "hold" => await Ledger.HoldAsync(1, 10, "cart", key),
            "capture" => await Ledger.CaptureAsync(target, toOwnerId: 5, idempotencyKey: key),
            "void" => await Ledger.VoidAsync(target, key),
            "reversal" => await Ledger.ReverseAsync(target, "undo", key),
            "posting reversal" => await Ledger.ReversePostingAsync(target, "undo", key),
            _ => await Ledger.AdjustAsync(1, 10, "correction", key),
        };
    }

    /// <summary>Every balance and entry, every hold's state, and the count of every other record a write keeps.</summary>
    private async Task<string> StateAsync() =>
        await Db.SnapshotAsync() + "#" + string.Join(",", await Task.WhenAll(
            Db.ScalarAsync("SELECT COUNT(*) FROM client_keys"), Db.ScalarAsync("SELECT COUNT(*) FROM postings"),
            Db.ScalarAsync("SELECT COUNT(*) FROM ledger_reversals"), Db.ScalarAsync("SELECT COUNT(*) FROM wallet_changes"),
            Db.ScalarAsync("SELECT COUNT(*) FROM ledger_refusals"), Db.ScalarAsync("SELECT COUNT(*) FROM ledger_holds WHERE status = 0"),
            Db.ScalarAsync("SELECT COALESCE(SUM(held), 0) FROM wallets")));
}

[Collection(SqliteCollection.Name)]
public sealed class OneKeyOneOperationSqliteTests(SqliteDatabaseFixture database) : OneKeyOneOperationTests(database);

[Collection(PostgresCollection.Name)]
public sealed class OneKeyOneOperationPostgresTests(PostgresDatabaseFixture database) : OneKeyOneOperationTests(database);

[SqlServerLane, Collection(SqlServerCollection.Name)]
public sealed class OneKeyOneOperationSqlServerTests(SqlServerDatabaseFixture database) : OneKeyOneOperationTests(database);

[Collection(PostgresGeneralPathCollection.Name)]
public sealed class OneKeyOneOperationPostgresGeneralPathTests(PostgresGeneralPathFixture database) : OneKeyOneOperationTests(database);
