using System.Diagnostics;
using FuncLedger.Core.Domain;
using FuncLedger.Core.Tests.Infrastructure;
using FuncLedger.TestSupport;
using Microsoft.Data.SqlClient;
using Xunit.Abstractions;

namespace FuncLedger.Core.Tests.Ledger;

/// <summary>
/// SQL Server as Azure SQL Database runs it (the lane creates its databases with READ_COMMITTED_SNAPSHOT and
/// ALLOW_SNAPSHOT_ISOLATION on): a second session's write, open and uncommitted, blocks the ledger's UPDLOCK read of the
/// wallet, and once it commits the ledger decides on what it committed (held coins, freeze, balance, a hold's status, what is
/// left to reverse), never on the version its snapshot would show; two requests under one key, the second waiting on the lock,
/// answer the same; a first credit does not wait for another owner's wallet being created.
/// </summary>
[SqlServerLane, Collection(SqlServerCollection.Name)]
public sealed class SqlServerSessionTests(SqlServerDatabaseFixture database, ITestOutputHelper output) : LedgerTestBase(database)
{
    [Fact]
    public async Task Lane_databases_run_read_committed_snapshot_and_allow_snapshot_isolation_as_Azure_does()
    {
        await using var connection = await OpenAsync();
        await using var command = new SqlCommand(
            "SELECT CAST(is_read_committed_snapshot_on AS int) * 10 + CAST(snapshot_isolation_state AS int) FROM sys.databases "
            + "WHERE name = DB_NAME()", connection);

        Assert.Equal(11, Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task A_debit_waiting_on_another_session_decides_on_the_held_coins_it_committed()
    {
        await Ledger.CreditAsync(1, 100, "seed");

        // The other session places a hold of 80 the way the ledger does (the hold and the wallet's held coins together).
        var debit = await WhileAnotherSessionWritesAsync(
            "INSERT INTO ledger_holds (wallet_id, amount, status, captured, reason, idempotency_key, request_fingerprint, expires_at, "
            + "created_at, updated_at) SELECT id, 80, 0, 0, 'other session', 'other-hold', REPLICATE('a', 64), "
            + "DATEADD(day, 1, SYSUTCDATETIME()), SYSUTCDATETIME(), SYSUTCDATETIME() FROM wallets WHERE owner_id = 1; "
            + "UPDATE wallets SET held = held + 80 WHERE owner_id = 1;",
            () => Ledger.DebitAsync(1, 50, "shop"));

        // Under the snapshot the wallet had 100 available; under the lock it has 20.
        await Assert.ThrowsAsync<InsufficientFundsException>(() => debit);
    }

    [Fact]
    public async Task A_transfer_waiting_on_another_session_decides_on_the_freeze_it_committed()
    {
        await Ledger.CreditAsync(1, 100, "seed");

        var transfer = await WhileAnotherSessionWritesAsync("UPDATE wallets SET frozen = 1 WHERE owner_id = 1",
            () => Ledger.TransferAsync(1, 2, 10, "gift"));

        await Assert.ThrowsAsync<WalletFrozenException>(() => transfer);
        Assert.Equal(100, await Ledger.GetBalanceAsync(1));
    }

    [Fact]
    public async Task A_debit_waiting_on_another_session_writes_its_entry_after_the_balance_that_session_committed()
    {
        await Ledger.CreditAsync(1, 100, "seed");

        // The other session's debit of 30, written the way the ledger writes one (balance and entry together).
        var debit = await WhileAnotherSessionWritesAsync(
            "UPDATE wallets SET cached_balance = cached_balance - 30 WHERE owner_id = 1; "
            + "INSERT INTO ledger_entries (wallet_id, amount, balance_after, reason, created_at) "
            + "SELECT id, -30, 70, 'other session', SYSUTCDATETIME() FROM wallets WHERE owner_id = 1;",
            () => Ledger.DebitAsync(1, 50, "shop"));

        Assert.Equal(20, (await debit).BalanceAfter);
        Assert.Equal(0, await Db.DriftedWalletCountAsync());
    }

    [Fact]
    public async Task A_capture_waiting_on_another_session_sees_the_hold_that_session_voided()
    {
        await Ledger.CreditAsync(1, 100, "seed");
        var hold = await Ledger.HoldAsync(1, 40, "cart", "cart-1");

        var capture = await WhileAnotherSessionWritesAsync(
            $"UPDATE ledger_holds SET status = 2, closed_key = 'other-session' WHERE id = {hold.HoldId}; "
            + "UPDATE wallets SET held = held - 40 WHERE owner_id = 1;",
            () => Ledger.CaptureAsync(hold.HoldId));

        Assert.Equal(HoldStatus.Voided, (await Assert.ThrowsAsync<HoldNotPendingException>(() => capture)).Status);
        Assert.Equal((100L, 0L), (await Ledger.GetBalanceAsync(1), await Db.HeldDriftCountAsync()));
    }

    [Fact]
    public async Task A_reversal_waiting_on_another_session_sees_what_that_session_reversed()
    {
        await Ledger.CreditAsync(1, 100, "seed");
        var credit = await Ledger.CreditAsync(1, 50, "bonus");

        // The other session reverses 30 of the bonus (entry, link and balance) and has not committed when this reversal of 30
        // locks the wallet: under the lock 20 is left, not 50.
        var reversal = await WhileAnotherSessionWritesAsync(
            "UPDATE wallets SET cached_balance = cached_balance - 30 WHERE owner_id = 1; "
            + "INSERT INTO ledger_entries (wallet_id, amount, balance_after, reason, created_at) "
            + "SELECT id, -30, 120, 'other session', SYSUTCDATETIME() FROM wallets WHERE owner_id = 1; "
            + $"INSERT INTO ledger_reversals (entry_id, original_entry_id, amount) VALUES (SCOPE_IDENTITY(), {credit.TransactionId}, 30);",
            () => Ledger.ReverseAsync(credit.TransactionId, "claw back", amount: 30));

        var refused = await Assert.ThrowsAsync<ReversalExceedsOriginalException>(() => reversal);
        Assert.Equal(20, refused.Remaining);
    }

    [Fact]
    public async Task Two_requests_under_one_key_the_second_waiting_on_the_lock_answer_the_same()
    {
        await Ledger.CreditAsync(1, 100, "seed");
        await using var other = await OpenAsync();
        await using var locking = (SqlTransaction)await other.BeginTransactionAsync();
        await LockWalletAsync(other, locking);

        var first = Task.Run(() => Ledger.TransferAsync(1, 2, 10, "gift", "same-key"));
        var second = Task.Run(() => Ledger.TransferAsync(1, 2, 10, "gift", "same-key"));
        await WaitBlockedAsync(2);
        await locking.CommitAsync();
        var answers = await Task.WhenAll(first, second);

        Assert.Single(answers.Select(a => a.DebitTransactionId).Distinct());
        Assert.Equal(1, answers.Count(a => a.Replayed));
        Assert.Equal(90, await Ledger.GetBalanceAsync(1));
        Assert.Equal(3, await Db.EntryCountAsync());
    }

    [Fact]
    public async Task A_first_credit_does_not_wait_for_another_owner_s_wallet_being_created_and_eight_at_once_do_not_deadlock()
    {
        // Another session creates owner 50's wallet and keeps its transaction open: with a key-range lock on the owner index,
        // owner 51's first credit would wait for it.
        await using var other = await OpenAsync();
        await using var creating = (SqlTransaction)await other.BeginTransactionAsync();
        await using (var insert = new SqlCommand("INSERT INTO wallets (owner_id, cached_balance, allow_overdraft, created_at, updated_at) "
            + "VALUES (50, 0, 0, SYSUTCDATETIME(), SYSUTCDATETIME())", other, creating))
        {
            await insert.ExecuteNonQueryAsync();
        }

        var alone = Stopwatch.StartNew();
        var credit = Ledger.CreditAsync(51, 10, "first");
        Assert.Same(credit, await Task.WhenAny(credit, Task.Delay(TimeSpan.FromSeconds(10))));
        output.WriteLine($"first credit of owner 51 beside an open creation of owner 50: {alone.ElapsedMilliseconds} ms");
        await creating.CommitAsync();

        var eight = Stopwatch.StartNew();
        var credits = await Task.WhenAll(Enumerable.Range(60, 8).Select(o => Task.Run(() => Ledger.CreditAsync(o, 10, "first"))));
        output.WriteLine($"8 concurrent first credits of distinct owners: {eight.ElapsedMilliseconds} ms");
        Assert.All(credits, c => Assert.Equal(10, c.BalanceAfter));
        Assert.Equal(10, await Db.WalletCountAsync());
    }

    private async Task<SqlConnection> OpenAsync()
    {
        var connection = new SqlConnection(Db.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    private static async Task LockWalletAsync(SqlConnection connection, SqlTransaction transaction)
    {
        await using var command = new SqlCommand("SELECT id FROM wallets WITH (UPDLOCK, ROWLOCK) WHERE owner_id = 1", connection, transaction);
        await command.ExecuteScalarAsync();
    }

    /// <summary>Another session locks owner 1's wallet and runs <paramref name="write"/> in its open transaction; the ledger's
    /// <paramref name="call"/> starts and is seen blocked on that session; then the session commits.</summary>
    private async Task<Task<T>> WhileAnotherSessionWritesAsync<T>(string write, Func<Task<T>> call)
    {
        await using var other = await OpenAsync();
        await using var transaction = (SqlTransaction)await other.BeginTransactionAsync();
        await LockWalletAsync(other, transaction);
        await using (var command = new SqlCommand(write, other, transaction))
        {
            await command.ExecuteNonQueryAsync();
        }

        var running = Task.Run(call);
        await WaitBlockedAsync(1);
        Assert.False(running.IsCompleted, "the ledger did not wait for the other session's lock");
        await transaction.CommitAsync();
        return running;
    }

    /// <summary>Polls until <paramref name="expected"/> requests of this database wait on a lock (5 s at most).</summary>
    private async Task WaitBlockedAsync(int expected)
    {
        await using var connection = await OpenAsync();
        for (var i = 0; i < 200; i++)
        {
            await using var command = new SqlCommand("SELECT COUNT(*) FROM sys.dm_exec_requests WHERE database_id = DB_ID() "
                + "AND blocking_session_id <> 0 AND wait_type LIKE 'LCK%'", connection);
            if (Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture) >= expected)
            {
                return;
            }

            await Task.Delay(25);
        }

        Assert.Fail($"{expected} request(s) were never seen waiting on a lock");
    }
}
