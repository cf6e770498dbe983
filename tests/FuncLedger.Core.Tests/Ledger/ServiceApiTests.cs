using FuncLedger.TestSupport;
using FuncLedger.Core.Domain;
using FuncLedger.Core.Tests.Infrastructure;

namespace FuncLedger.Core.Tests.Ledger;

/// <summary>The seed's service API cases: credit, debit, transfer, balance, history.</summary>
public abstract class ServiceApiTests(ILedgerDatabase database) : LedgerTestBase(database)
{
    [Fact]
    public async Task Credit_increases_the_balance_and_creates_the_wallet_on_first_use()
    {
        var first = await Ledger.CreditAsync(42, 100, "welcome");
        var second = await Ledger.CreditAsync(42, 50, "bonus");

        Assert.Equal(100, first.BalanceAfter);
        Assert.Equal(150, second.BalanceAfter);
        Assert.Equal(first.WalletId, second.WalletId);
        Assert.Equal(150, await Ledger.GetBalanceAsync(42));
        Assert.Equal(1, await Db.WalletCountAsync());
    }

    [Fact]
    public async Task Credit_of_zero_is_invalid_amount_and_changes_nothing()
    {
        var error = await Assert.ThrowsAsync<InvalidAmountException>(() => Ledger.CreditAsync(1, 0, "nothing"));

        Assert.Equal(LedgerErrorCodes.InvalidAmount, error.Code);
        Assert.Equal(0, await Db.WalletCountAsync());
    }

    [Fact]
    public async Task Credit_of_a_negative_amount_is_invalid_amount_and_changes_nothing()
    {
        await Ledger.CreditAsync(1, 10, "seed");
        var before = await Db.SnapshotAsync();

        await Assert.ThrowsAsync<InvalidAmountException>(() => Ledger.CreditAsync(1, -5, "negative"));

        Assert.Equal(before, await Db.SnapshotAsync());
    }

    [Fact]
    public async Task Debit_decreases_the_balance_and_stores_a_negative_amount()
    {
        await Ledger.CreditAsync(1, 100, "seed");

        var debit = await Ledger.DebitAsync(1, 40, "shop");

        Assert.Equal(60, debit.BalanceAfter);
        Assert.Equal(-40, await Db.ScalarAsync($"SELECT amount FROM ledger_entries WHERE id = {debit.TransactionId}"));
        Assert.Equal(60, await Ledger.GetBalanceAsync(1));
    }

    [Fact]
    public async Task Debit_with_insufficient_funds_changes_no_balance()
    {
        await Ledger.CreditAsync(1, 30, "seed");
        var before = await Db.SnapshotAsync();

        var error = await Assert.ThrowsAsync<InsufficientFundsException>(() => Ledger.DebitAsync(1, 31, "shop"));

        Assert.Equal(LedgerErrorCodes.InsufficientFunds, error.Code);
        Assert.Equal(await Db.WalletIdAsync(1), error.WalletId);
        Assert.Equal(before, await Db.SnapshotAsync());
    }

    [Fact]
    public async Task Debit_of_zero_is_rejected()
    {
        await Ledger.CreditAsync(1, 30, "seed");
        var before = await Db.SnapshotAsync();

        await Assert.ThrowsAsync<InvalidAmountException>(() => Ledger.DebitAsync(1, 0, "nothing"));

        Assert.Equal(before, await Db.SnapshotAsync());
    }

    [Fact]
    public async Task Debit_or_transfer_from_an_unknown_wallet_is_wallet_not_found()
    {
        await Ledger.CreditAsync(2, 30, "seed");
        var before = await Db.SnapshotAsync();

        var debit = await Assert.ThrowsAsync<InvalidWalletException>(() => Ledger.DebitAsync(1, 5, "shop"));
        var transfer = await Assert.ThrowsAsync<InvalidWalletException>(() => Ledger.TransferAsync(1, 2, 5, "gift"));

        Assert.Equal(LedgerErrorCodes.WalletNotFound, debit.Code);
        Assert.Equal(InvalidWalletReason.NotFound, transfer.Reason);
        Assert.Equal(before, await Db.SnapshotAsync());
    }

    [Fact]
    public async Task Transfer_moves_coins_between_wallets_in_one_transaction()
    {
        await Ledger.CreditAsync(1, 100, "seed");

        var result = await Ledger.TransferAsync(1, 2, 30, "gift", "t-1");

        Assert.Equal(70, result.FromBalanceAfter);
        Assert.Equal(30, result.ToBalanceAfter);
        Assert.NotEqual(result.DebitTransactionId, result.CreditTransactionId);
        Assert.Equal(70, await Ledger.GetBalanceAsync(1));
        Assert.Equal(30, await Ledger.GetBalanceAsync(2));
        Assert.Equal(-30, await Db.ScalarAsync($"SELECT amount FROM ledger_entries WHERE id = {result.DebitTransactionId}"));
        Assert.Equal(30, await Db.ScalarAsync($"SELECT amount FROM ledger_entries WHERE id = {result.CreditTransactionId}"));
        Assert.Equal(await Db.WalletIdAsync(1), result.FromWalletId);
        Assert.Equal(await Db.WalletIdAsync(2), result.ToWalletId);
    }

    [Fact]
    public async Task Transfer_rolls_back_both_sides_when_it_fails()
    {
        await Ledger.CreditAsync(1, 100, "seed");
        await Ledger.CreditAsync(2, 5, "seed");
        var before = await Db.SnapshotAsync();

        await Assert.ThrowsAsync<InsufficientFundsException>(() => Ledger.TransferAsync(1, 2, 101, "too much"));
        await Db.InstallFaultTriggerAsync();
        var fault = await Assert.ThrowsAnyAsync<Exception>(() => Ledger.TransferAsync(1, 2, 10, "inject-fault"));

        Assert.True(LedgerHarness.IsInjectedFault(fault), fault.ToString());
        Assert.Equal(before, await Db.SnapshotAsync());
    }

    [Fact]
    public async Task Transfer_to_the_same_wallet_is_rejected()
    {
        await Ledger.CreditAsync(1, 100, "seed");
        var before = await Db.SnapshotAsync();

        var error = await Assert.ThrowsAsync<InvalidWalletException>(() => Ledger.TransferAsync(1, 1, 10, "loop"));

        Assert.Equal(InvalidWalletReason.SelfTransfer, error.Reason);
        Assert.Equal(LedgerErrorCodes.SelfTransfer, error.Code);
        Assert.Equal(before, await Db.SnapshotAsync());
    }

    [Fact]
    public async Task Balance_is_the_cached_balance_not_a_ledger_sum()
    {
        await Ledger.CreditAsync(1, 100, "seed");
        await Db.ExecuteAsync("UPDATE wallets SET cached_balance = 77 WHERE owner_id = 1");

        Assert.Equal(77, await Ledger.GetBalanceAsync(1));
    }

    [Fact]
    public async Task Balance_of_an_owner_without_a_wallet_is_zero()
    {
        Assert.Equal(0, await Ledger.GetBalanceAsync(999));
        Assert.Equal(0, await Db.WalletCountAsync());
    }

    [Fact]
    public async Task History_pages_through_every_entry_without_gaps_or_repeats()
    {
        for (var i = 1; i <= 7; i++)
        {
            await Ledger.CreditAsync(1, i, "credit");
        }

        var pages = new List<HistoryItem>();
        for (var offset = 0; offset < 9; offset += 3)
        {
            pages.AddRange(await Ledger.GetHistoryAsync(1, limit: 3, offset: offset));
        }

        Assert.Equal(7, pages.Count);
        Assert.Equal(pages.Select(p => p.Id).Distinct(), pages.Select(p => p.Id));
        Assert.Equal([7L, 6, 5, 4, 3, 2, 1], pages.Select(p => p.Amount));
        Assert.Empty(await Ledger.GetHistoryAsync(1, limit: 3, offset: 7));
    }

    [Fact]
    public async Task History_is_newest_first_and_carries_each_entry()
    {
        await Ledger.CreditAsync(1, 100, "seed", "k-1");
        await Ledger.TransferAsync(1, 2, 40, "gift", "k-2");

        var history = await Ledger.GetHistoryAsync(1);

        Assert.Equal(2, history.Count);
        Assert.Equal((-40L, 60L, "gift", "k-2_debit"), (history[0].Amount, history[0].BalanceAfter, history[0].Reason, history[0].IdempotencyKey));
        Assert.Equal((100L, 100L, "seed", "k-1"), (history[1].Amount, history[1].BalanceAfter, history[1].Reason, history[1].IdempotencyKey));
        Assert.Equal(DateTimeKind.Utc, history[0].CreatedAt.Kind);
        Assert.True(history[0].CreatedAt > history[1].CreatedAt);
    }

    [Fact]
    public async Task History_follows_the_order_entries_were_applied_even_when_their_clocks_disagree()
    {
        await Ledger.CreditAsync(1, 100, "first");
        // The next write's clock reads an hour earlier (another instance, or a time read before the wallet's lock).
        Db.Time.Shift(TimeSpan.FromHours(-1));
        await Ledger.DebitAsync(1, 30, "second");
        await Ledger.CreditAsync(1, 5, "third");

        var history = await Ledger.GetHistoryAsync(1);

        Assert.Equal(["third", "second", "first"], history.Select(h => h.Reason));
        Assert.Equal([75L, 70, 100], history.Select(h => h.BalanceAfter));
    }

    [Fact]
    public async Task History_of_an_unknown_owner_is_empty()
    {
        await Ledger.CreditAsync(1, 100, "seed");

        Assert.Empty(await Ledger.GetHistoryAsync(2));
    }

    [Fact]
    public async Task A_placement_batch_must_be_non_empty_bounded_and_without_repeats_and_changes_nothing()
    {
        await Ledger.CreditAsync(1, 10, "seed");
        var before = await Db.SnapshotAsync();

        await Assert.ThrowsAsync<LedgerValidationException>(() => Ledger.AwardPlacementsAsync([]));
        await Assert.ThrowsAsync<LedgerValidationException>(() => Ledger.AwardPlacementsAsync(
            [.. Enumerable.Range(1, LedgerLimits.AwardBatchSizeMax + 1).Select(p => new PlacementAward(1, p, 1, 1))]));
        await Assert.ThrowsAsync<LedgerValidationException>(() => Ledger.AwardPlacementsAsync([new(1, 1, 1, 5), new(1, 1, 2, 5)]));
        await Assert.ThrowsAsync<InvalidAmountException>(() => Ledger.AwardPlacementsAsync([new(1, 1, 1, 5), new(1, 2, 2, 0)]));

        Assert.Equal(before, await Db.SnapshotAsync());
    }

    [Fact]
    public async Task Bad_input_on_every_operation_is_refused_before_it_changes_anything()
    {
        await Ledger.CreditAsync(1, 100, "seed");
        var before = await Db.SnapshotAsync();

        await Assert.ThrowsAsync<InvalidWalletException>(() => Ledger.CreditAsync(0, 1, "r"));
        await Assert.ThrowsAsync<InvalidWalletException>(() => Ledger.TransferAsync(1, -2, 1, "r"));
        await Assert.ThrowsAsync<InvalidAmountException>(() => Ledger.TransferAsync(1, 2, LedgerLimits.AmountMax + 1, "r"));
        await Assert.ThrowsAsync<LedgerValidationException>(() => Ledger.TransferAsync(1, 2, 1, ""));
        await Assert.ThrowsAsync<LedgerValidationException>(() => Ledger.TransferAsync(1, 2, 1, "r", new string('k', 500)));
        await Assert.ThrowsAsync<LedgerValidationException>(() => Ledger.DebitAsync(1, 1, "r", null, "[]"));
        await Assert.ThrowsAsync<InvalidWalletException>(() => Ledger.GetBalanceAsync(0));
        await Assert.ThrowsAsync<LedgerValidationException>(() => Ledger.GetHistoryAsync(1, 10, -1));
        await Assert.ThrowsAsync<LedgerValidationException>(() => Ledger.AwardPlacementAsync(1, 0, 1, 5));

        Assert.Equal(before, await Db.SnapshotAsync());
    }
}

[Collection(SqliteCollection.Name)]
public sealed class ServiceApiSqliteTests(SqliteDatabaseFixture database) : ServiceApiTests(database);

[Collection(PostgresCollection.Name)]
public sealed class ServiceApiPostgresTests(PostgresDatabaseFixture database) : ServiceApiTests(database);
