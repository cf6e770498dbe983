using FuncLedger.TestSupport;
using FuncLedger.Core.Payouts;
using FuncLedger.Core.Domain;
using FuncLedger.Core.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FuncLedger.Core.Tests.Ledger;

/// <summary>Many workers on a real PostgreSQL server: row locks, ascending lock order and the retry layer under contention.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresConcurrencyTests(PostgresDatabaseFixture database) : LedgerTestBase(database)
{
    [Fact]
    public async Task Eight_workers_transferring_among_a_few_wallets_conserve_coins_and_surface_no_deadlock()
    {
        const int owners = 4;
        const int workers = 8;
        const int transfersPerWorker = 60;
        for (var o = 1; o <= owners; o++)
        {
            await Ledger.CreditAsync(o, 10_000, "seed");
        }

        var applied = 0;
        await Parallel.ForAsync(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, async (worker, ct) =>
        {
            var random = new Random(worker);
            for (var i = 0; i < transfersPerWorker; i++)
            {
                var from = random.Next(1, owners + 1);
                var to = ((from + random.Next(0, owners - 1)) % owners) + 1;
                await Ledger.TransferAsync(from, to, random.Next(1, 50), "stress", $"w{worker}-{i}", cancellationToken: ct);
                Interlocked.Increment(ref applied);
            }
        });

        Assert.Equal(workers * transfersPerWorker, applied);
        Assert.Equal(owners * 10_000, await Db.SumOfBalancesAsync());
        Assert.Equal(await Db.SumOfEntriesAsync(), await Db.SumOfBalancesAsync());
        Assert.Equal(0, await Db.DriftedWalletCountAsync());
        Assert.Equal(owners + (2 * workers * transfersPerWorker), await Db.EntryCountAsync());
    }

    [Fact]
    public async Task Large_award_batches_over_shared_wallets_racing_transfers_conserve_coins_and_pay_each_award_once()
    {
        const int owners = 12;
        for (var o = 1; o <= owners; o++)
        {
            await Ledger.CreditAsync(o, 1_000, "seed");
        }

        // Six writers of 40-award batches (array parameters) over the same wallets, each batch sent twice, while four
        // workers transfer among them: locks in ascending id order, so no deadlock; every award once.
        var batches = Enumerable.Range(0, 6).Select(b => Enumerable.Range(0, 40)
            .Select(i => new Award(10_000 + (b * 100) + i, null, OwnerId.From(1 + ((i * 7) + b) % owners), Coins.From(3))).ToArray()).ToArray();
        var awards = Parallel.ForAsync(0, batches.Length * 2, new ParallelOptions { MaxDegreeOfParallelism = 6 }, async (n, ct) =>
            await Ledger.AwardAsync(batches[n % batches.Length], ct));
        var transfers = Parallel.ForAsync(0, 4, async (worker, ct) =>
        {
            var random = new Random(worker);
            for (var i = 0; i < 50; i++)
            {
                var from = random.Next(1, owners + 1);
                var to = (from % owners) + 1;
                await Ledger.TransferAsync(from, to, 1, "stress", $"t{worker}-{i}", cancellationToken: ct);
            }
        });
        await Task.WhenAll(awards, transfers);

        Assert.Equal((owners * 1_000) + (batches.Length * 40 * 3), await Db.SumOfBalancesAsync());
        Assert.Equal(owners + (batches.Length * 40) + (4 * 50 * 2), await Db.EntryCountAsync());
        Assert.Equal(0, await Db.DriftedWalletCountAsync());
        Assert.Equal(0, await Db.ScalarAsync(
            "SELECT COUNT(*) FROM ledger_entries e WHERE e.balance_after <> (SELECT SUM(x.amount) FROM ledger_entries x WHERE x.wallet_id = e.wallet_id AND x.id <= e.id)"));
    }

    [Fact]
    public async Task Opposite_transfers_between_two_wallets_never_deadlock_and_every_one_applies()
    {
        await Ledger.CreditAsync(1, 100_000, "seed");
        await Ledger.CreditAsync(2, 100_000, "seed");

        await Parallel.ForAsync(0, 200, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var (from, to) = i % 2 == 0 ? (1L, 2L) : (2L, 1L);
            await Ledger.TransferAsync(from, to, 7, "ping-pong", cancellationToken: ct);
        });

        Assert.Equal(100_000, await Ledger.GetBalanceAsync(1));
        Assert.Equal(100_000, await Ledger.GetBalanceAsync(2));
        Assert.Equal(402, await Db.EntryCountAsync());
        Assert.Equal(0, await Db.DriftedWalletCountAsync());
    }

    [Fact]
    public async Task A_hot_wallet_debited_by_eight_workers_never_goes_below_zero()
    {
        await Ledger.CreditAsync(1, 1_000, "seed");
        var refused = 0;

        await Parallel.ForAsync(0, 160, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            try
            {
                await Ledger.DebitAsync(1, 10, "hot", cancellationToken: ct);
            }
            catch (InsufficientFundsException)
            {
                Interlocked.Increment(ref refused);
            }
        });

        Assert.Equal(60, refused);
        Assert.Equal(0, await Ledger.GetBalanceAsync(1));
        Assert.Equal(0, await Db.DriftedWalletCountAsync());
    }

    [Fact]
    public async Task First_credits_of_one_new_owner_from_many_workers_create_one_wallet()
    {
        await Parallel.ForAsync(0, 32, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
            await Ledger.CreditAsync(77, 1, "first", cancellationToken: ct));

        Assert.Equal(1, await Db.WalletCountAsync());
        Assert.Equal(32, await Ledger.GetBalanceAsync(77));
    }

    [Fact]
    public async Task First_credits_waiting_on_a_wallet_another_transaction_is_creating_lock_that_wallet_and_all_apply()
    {
        // Deterministic form of the race above: another transaction has inserted owner 78's wallet and not committed,
        // so every first credit's insert waits on it (inside ledger_post, the one-round-trip write), finds the wallet created,
        // and locks it like any other (ledger_post declines and the general path runs).
        await using var other = new Npgsql.NpgsqlConnection(Db.ConnectionString);
        await other.OpenAsync();
        await using var creating = await other.BeginTransactionAsync();
        await using (var insert = new Npgsql.NpgsqlCommand(
            "INSERT INTO wallets (owner_id, cached_balance, allow_overdraft, created_at, updated_at) VALUES (78, 0, FALSE, now(), now())", other, creating))
        {
            await insert.ExecuteNonQueryAsync();
        }

        var credits = Parallel.ForAsync(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, ct) =>
            await Ledger.CreditAsync(78, 5, "first", cancellationToken: ct));
        var waiting = await Db.LockWaitersAsync("query LIKE 'INSERT INTO wallets%' OR query LIKE 'SELECT o_kind%FROM ledger_post(%'", 4);

        Assert.Equal(4, waiting);
        await creating.CommitAsync();
        await credits;

        Assert.Equal(1, await Db.WalletCountAsync());
        Assert.Equal(20, await Ledger.GetBalanceAsync(78));
        Assert.Equal(0, await Db.DriftedWalletCountAsync());
    }

    [Fact]
    public async Task Retries_of_a_keyed_transfer_racing_its_first_commit_replay_it_and_never_report_a_missing_wallet()
    {
        // A retry that reads the key just before the first request commits and locks just after must
        // still see the committed transfer (regression: it reported "source wallet does not exist").
        const int rounds = 150;
        await Ledger.CreditAsync(1, 1_000_000, "seed");
        await Ledger.CreditAsync(2, 1, "seed");

        for (var round = 0; round < rounds; round++)
        {
            var key = $"racing-{round}";
            var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() =>
                Ledger.TransferAsync(1, 2, 3, "race", key))));
            var debitEntries = results.Select(r => r.DebitTransactionId).Distinct();
            Assert.Single(debitEntries);
            Assert.Equal(1, results.Count(r => !r.Replayed));
        }

        Assert.Equal(1_000_000 - (3 * rounds), await Ledger.GetBalanceAsync(1));
        Assert.Equal(1 + (3 * rounds), await Ledger.GetBalanceAsync(2));
        Assert.Equal(2 + (2 * rounds), await Db.EntryCountAsync());
    }

    [Fact]
    public async Task A_connection_lost_mid_write_changes_nothing_and_is_classified_unavailable_for_a_keyed_retry()
    {
        await Ledger.CreditAsync(1, 100, "seed");
        var before = await Db.SnapshotAsync();
        // The server ends this session in the middle of the write (as a crash or restart would).
        await Db.ExecuteAsync("""
            CREATE OR REPLACE FUNCTION test_terminate() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF NEW.reason = 'lost' THEN PERFORM pg_terminate_backend(pg_backend_pid()); END IF;
              RETURN NEW;
            END $$;
            CREATE TRIGGER trg_test_inject_fault BEFORE INSERT ON ledger_entries FOR EACH ROW EXECUTE FUNCTION test_terminate();
            """);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => Ledger.TransferAsync(1, 2, 30, "lost", "lost-1"));

        Assert.True(error is LedgerUnavailableException, error.GetType().Name + ": " + error.Message);
        Assert.Equal(before, await Db.SnapshotAsync());
        await Db.ExecuteAsync("DROP TRIGGER trg_test_inject_fault ON ledger_entries");
        var retried = await Ledger.TransferAsync(1, 2, 30, "lost-retry", "lost-1");
        Assert.False(retried.Replayed);
        Assert.Equal(70, await Ledger.GetBalanceAsync(1));
    }

    [Fact]
    public async Task A_connection_lost_mid_write_on_the_general_path_changes_nothing_and_is_classified_unavailable()
    {
        // A batch of awards of which one is already paid runs the general path (BEGIN with the lookup, COMMIT with the
        // write): the session ends at the new award's insert, so the inline ROLLBACK meets a broken connection.
        var paid = new Award(501, null, OwnerId.From(1), Coins.From(10));
        await Ledger.AwardAsync([paid]);
        var before = await Db.SnapshotAsync();
        await Db.ExecuteAsync("""
            CREATE OR REPLACE FUNCTION test_terminate() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF NEW.amount = 31 THEN PERFORM pg_terminate_backend(pg_backend_pid()); END IF;
              RETURN NEW;
            END $$;
            CREATE TRIGGER trg_test_inject_fault BEFORE INSERT ON ledger_entries FOR EACH ROW EXECUTE FUNCTION test_terminate();
            """);
        var batch = new[] { paid, new Award(502, null, OwnerId.From(2), Coins.From(31)) };

        var error = await Assert.ThrowsAnyAsync<Exception>(() => Ledger.AwardAsync(batch));

        Assert.True(error is LedgerUnavailableException, error.GetType().Name + ": " + error.Message);
        Assert.Equal(before, await Db.SnapshotAsync());
        await Db.ExecuteAsync("DROP TRIGGER trg_test_inject_fault ON ledger_entries");
        var retried = await Ledger.AwardAsync(batch);
        Assert.Equal([true, false], retried.Select(r => r.Replayed));
        Assert.Equal(31, await Ledger.GetBalanceAsync(2));
    }

    [Fact]
    public async Task A_guard_mismatch_in_the_write_aborts_on_the_server_so_the_commit_sent_with_it_writes_nothing()
    {
        await Ledger.CreditAsync(1, 100, "seed");
        var walletId = await Db.WalletIdAsync(1);
        var before = await Db.SnapshotAsync();
        var store = Core.Persistence.LedgerStore.For(Core.Persistence.LedgerProvider.Postgres);
        await using var db = Db.CreateContext();
        await db.Database.OpenConnectionAsync();
        var connection = db.Database.GetDbConnection();
        await using (var begin = connection.CreateCommand())
        {
            begin.CommandText = "BEGIN;";
            await begin.ExecuteNonQueryAsync();
        }

        // The lock's read said 999 coins, the row holds 100: what a lock the database did not honour would look like.
        var wallet = new Core.Persistence.Commands.WalletRow(walletId, 1, 999, allowOverdraft: false) { Balance = 1_000 };
        var entry = new Core.Persistence.Commands.EntryWrite(walletId, 1, 1_000, "lost lock", "guard-1", new string('a', 64), null,
            EntrySource.Credit);
        foreach (var write in new Core.Persistence.Commands.WriteCommand[] { store.Write, ((Core.Persistence.Postgres.PostgresStore)store).WriteArrays })
        {
            var error = await Assert.ThrowsAnyAsync<Exception>(() =>
                write.ExecuteAsync(connection, null, [wallet], [entry], new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc), Core.Persistence.Commands.WriteRecord.None,
                    store.InlineCommit, default));
            Assert.Equal("22012", Assert.IsType<Npgsql.PostgresException>(error).SqlState);
            await using var rollback = connection.CreateCommand();
            rollback.CommandText = "ROLLBACK; BEGIN;";
            await rollback.ExecuteNonQueryAsync();
        }

        Assert.Equal(before, await Db.SnapshotAsync());
    }
}
