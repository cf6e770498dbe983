using FuncLedger.Core.Tests.Infrastructure;
using FuncLedger.TestSupport;
using Npgsql;

namespace FuncLedger.Core.Tests.Ledger;

/// <summary>
/// What the caller's cancellation token does to an operation (an HTTP request's is cancelled when its client goes away):
/// it ends the waiting before anything is sent, never a statement in flight. A sent write completes and its caller gets
/// the result, so the key replays it; cancelling the statement instead costs a second connection to the server, opened
/// synchronously by Npgsql, and a burst of those starved the thread pool (LedgerUnitOfWork.RunAsync).
/// </summary>
public abstract class CancellationTests(ILedgerDatabase database) : LedgerTestBase(database)
{
    [Fact]
    public async Task A_transfer_cancelled_before_it_starts_throws_and_changes_nothing()
    {
        await Ledger.CreditAsync(1, 100, "seed");
        var before = await Db.SnapshotAsync();
        using var cancel = new CancellationTokenSource();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => Ledger.TransferAsync(1, 2, 40, "gift", "cancelled-first", cancellationToken: cancel.Token));

        Assert.Equal(before, await Db.SnapshotAsync());
    }
}

[Collection(SqliteCollection.Name)]
public sealed class CancellationSqliteTests(SqliteDatabaseFixture database) : CancellationTests(database);

[Collection(PostgresCollection.Name)]
public sealed class CancellationPostgresTests(PostgresDatabaseFixture database) : CancellationTests(database)
{
    [Fact]
    public async Task A_transfer_cancelled_while_its_statement_waits_for_a_wallet_still_commits_and_its_key_replays()
    {
        await Ledger.CreditAsync(1, 100, "seed");
        await Ledger.CreditAsync(2, 5, "seed");
        await using var other = new NpgsqlConnection(Db.ConnectionString);
        await other.OpenAsync();
        await using var locking = await other.BeginTransactionAsync();
        await using (var lockWallet = new NpgsqlCommand("SELECT id FROM wallets WHERE owner_id = 1 FOR UPDATE", other, locking))
        {
            await lockWallet.ExecuteScalarAsync();
        }

        using var cancel = new CancellationTokenSource();
        var transfer = Task.Run(() => Ledger.TransferAsync(1, 2, 40, "gift", "cancelled-in-flight", cancellationToken: cancel.Token));
        Assert.Equal(1, await Db.LockWaitersAsync("query LIKE 'SELECT o_kind%FROM ledger_post(%'", 1));

        // Had the token reached the statement, the server would cancel it while it waits and the call would fail now.
        await cancel.CancelAsync();
        await Task.WhenAny(transfer, Task.Delay(TimeSpan.FromMilliseconds(500)));
        Assert.False(transfer.IsCompleted, transfer.Exception?.GetBaseException().Message);
        await locking.CommitAsync();

        var done = await transfer;
        Assert.Equal((60L, 45L, false), (done.FromBalanceAfter, done.ToBalanceAfter, done.Replayed));
        var replay = await Ledger.TransferAsync(1, 2, 40, "gift", "cancelled-in-flight");
        Assert.Equal((done.DebitTransactionId, true), (replay.DebitTransactionId, replay.Replayed));
        Assert.Equal(4, await Db.EntryCountAsync());
        Assert.Equal(0, await Db.DriftedWalletCountAsync());
    }
}
