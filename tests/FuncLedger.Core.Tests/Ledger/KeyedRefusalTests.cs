using FuncLedger.Core.Domain;
using FuncLedger.Core.Tests.Infrastructure;
using FuncLedger.TestSupport;

namespace FuncLedger.Core.Tests.Ledger;

/// <summary>
/// A keyed request refused for insufficient funds is kept under its key: a retry under the key is refused again (the
/// first answer), even after the wallet was topped up, as the IETF Idempotency-Key draft and Stripe answer.
/// </summary>
public abstract class KeyedRefusalTests(ILedgerDatabase database) : LedgerTestBase(database)
{
    [Fact]
    public async Task A_keyed_debit_refused_for_funds_is_refused_again_on_retry_after_a_top_up()
    {
        await Ledger.CreditAsync(1, 20, "seed");
        var first = await Assert.ThrowsAsync<InsufficientFundsException>(() => Ledger.DebitAsync(1, 50, "shop", "order-7"));
        await Ledger.CreditAsync(1, 100, "top-up");

        var again = await Assert.ThrowsAsync<InsufficientFundsException>(() => Ledger.DebitAsync(1, 50, "shop", "order-7"));

        Assert.False(first.Replayed);
        Assert.True(again.Replayed);
        Assert.Equal((first.WalletId, 20L, 50L), (again.WalletId, again.Balance, again.Amount));
        Assert.Equal(120, await Ledger.GetBalanceAsync(1));
        Assert.Equal(2, await Db.EntryCountAsync());
        Assert.Equal(1, await Db.ScalarAsync("SELECT COUNT(*) FROM ledger_refusals WHERE idempotency_key = 'order-7'"));
    }

    [Fact]
    public async Task A_refused_key_used_for_a_different_request_is_a_conflict_and_a_new_key_runs()
    {
        await Ledger.CreditAsync(1, 20, "seed");
        await Assert.ThrowsAsync<InsufficientFundsException>(() => Ledger.DebitAsync(1, 50, "shop", "order-8"));
        await Ledger.CreditAsync(1, 100, "top-up");

        await Assert.ThrowsAsync<IdempotencyConflictException>(() => Ledger.DebitAsync(1, 40, "shop", "order-8"));
        await Assert.ThrowsAsync<IdempotencyConflictException>(() => Ledger.CreditAsync(1, 50, "shop", "order-8"));
        var fresh = await Ledger.DebitAsync(1, 50, "shop", "order-8b");

        Assert.Equal(70, fresh.BalanceAfter);
        Assert.Equal(70, await Ledger.GetBalanceAsync(1));
    }

    [Fact]
    public async Task A_refusal_writes_no_entry_and_moves_no_balance()
    {
        await Ledger.CreditAsync(1, 20, "seed");
        await Ledger.CreditAsync(2, 5, "seed");
        var before = await Db.SnapshotAsync();

        await Assert.ThrowsAsync<InsufficientFundsException>(() => Ledger.DebitAsync(1, 21, "shop", "order-9"));
        await Assert.ThrowsAsync<InsufficientFundsException>(() => Ledger.TransferAsync(1, 2, 21, "gift", "gift-9"));

        Assert.Equal(before, await Db.SnapshotAsync());
    }

    [Fact]
    public async Task An_unkeyed_refusal_is_not_kept_and_runs_again()
    {
        await Ledger.CreditAsync(1, 20, "seed");
        await Assert.ThrowsAsync<InsufficientFundsException>(() => Ledger.DebitAsync(1, 50, "shop"));
        await Ledger.CreditAsync(1, 100, "top-up");

        var debit = await Ledger.DebitAsync(1, 50, "shop");

        Assert.Equal(70, debit.BalanceAfter);
        Assert.Equal(0, await Db.ScalarAsync("SELECT COUNT(*) FROM ledger_refusals"));
    }

    [Fact]
    public async Task A_keyed_transfer_refused_for_funds_is_refused_again_and_creates_no_wallet()
    {
        await Ledger.CreditAsync(1, 10, "seed");
        var wallets = await Db.ScalarAsync("SELECT COUNT(*) FROM wallets");

        var first = await Assert.ThrowsAsync<InsufficientFundsException>(() => Ledger.TransferAsync(1, 77, 30, "gift", "gift-1"));
        Assert.Equal(wallets, await Db.ScalarAsync("SELECT COUNT(*) FROM wallets"));
        await Ledger.CreditAsync(1, 100, "top-up");
        var again = await Assert.ThrowsAsync<InsufficientFundsException>(() => Ledger.TransferAsync(1, 77, 30, "gift", "gift-1"));

        Assert.True(again.Replayed);
        Assert.Equal((first.WalletId, 10L, 30L), (again.WalletId, again.Balance, again.Amount));
        Assert.Equal(110, await Ledger.GetBalanceAsync(1));
        Assert.Equal(0, await Ledger.GetBalanceAsync(77));
        Assert.Equal(1, await Db.ScalarAsync("SELECT COUNT(*) FROM ledger_refusals WHERE idempotency_key = 'gift-1_debit'"));
        Assert.Equal(25, (await Ledger.TransferAsync(1, 77, 25, "gift", "gift-2")).ToBalanceAfter);
    }

    [Fact]
    public async Task An_entry_wins_over_a_refusal_of_the_same_key_left_by_two_instances_racing()
    {
        // Two requests under one key on two instances: one refused, then a top-up, then the other applied. Both rows stay;
        // the entry is what happened to the balance, so it is what a retry replays.
        await Ledger.CreditAsync(1, 100, "seed");
        var applied = await Ledger.DebitAsync(1, 50, "shop", "order-10");
        var walletId = await Db.WalletIdAsync(1);
        await Db.ExecuteAsync("INSERT INTO ledger_refusals (idempotency_key, request_fingerprint, wallet_id, balance, amount, created_at) "
            + $"SELECT idempotency_key, request_fingerprint, {walletId}, 20, -50, created_at FROM ledger_entries WHERE idempotency_key = 'order-10'");

        var again = await Ledger.DebitAsync(1, 50, "shop", "order-10");

        Assert.Equal((applied.TransactionId, 50L, true), (again.TransactionId, again.BalanceAfter, again.Replayed));
        Assert.Equal(50, await Ledger.GetBalanceAsync(1));
    }

    [Fact]
    public async Task Concurrent_keyed_requests_refused_for_funds_keep_one_refusal_and_all_answer_it()
    {
        await Ledger.CreditAsync(1, 5, "seed");

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
            await Assert.ThrowsAsync<InsufficientFundsException>(() => Ledger.DebitAsync(1, 50, "race", "same-refusal")))));

        Assert.All(answers, a => Assert.Equal((5L, 50L), (a.Balance, a.Amount)));
        Assert.Equal(1, await Db.ScalarAsync("SELECT COUNT(*) FROM ledger_refusals"));
        Assert.Equal(5, await Ledger.GetBalanceAsync(1));
        Assert.Equal(1, await Db.EntryCountAsync());
    }
}

[Collection(SqliteCollection.Name)]
public sealed class KeyedRefusalSqliteTests(SqliteDatabaseFixture database) : KeyedRefusalTests(database);

[Collection(PostgresCollection.Name)]
public sealed class KeyedRefusalPostgresTests(PostgresDatabaseFixture database) : KeyedRefusalTests(database);
