using FuncLedger.Core.Domain;
using FuncLedger.Core.Tests.Infrastructure;
using FuncLedger.TestSupport;

namespace FuncLedger.Core.Tests.Ledger;

/// <summary>Frozen means frozen: no coins leave a frozen wallet by any path but an operator's recorded adjustment; credits and
/// voids still apply.</summary>
public abstract class FrozenWalletTests(ILedgerDatabase database) : LedgerTestBase(database)
{
    [Fact]
    public async Task Every_movement_out_of_a_frozen_wallet_is_refused_and_changes_nothing()
    {
        await Ledger.CreditAsync(2, 500, "seed");
        var gift = await Ledger.TransferAsync(2, 1, 100, "gift");
        var payout = await Ledger.CreditAsync(1, 200, "prize");
        var posting = await Ledger.PostAsync([(2, -50), (1, 30), (3, 20)], "pool", "pool-1");
        var hold = await Ledger.HoldAsync(1, 40, "cart", "cart-1");
        var spare = await Ledger.HoldAsync(1, 10, "cart", "cart-2");
        var spent = await Ledger.TransferAsync(1, 2, 20, "spent");
        await Db.Admin.SetFrozenAsync(OwnerId.From(1), true, "cli:ops", "fraud review");
        var before = await Db.SnapshotAsync();

        Func<Task>[] outOfTheWallet =
        [
            () => Ledger.DebitAsync(1, 1, "shop"),
            () => Ledger.DebitAsync(1, 1, "shop", "debit-1"),
            () => Ledger.TransferAsync(1, 2, 1, "tip"),
            () => Ledger.TransferAsync(1, 2, 1, "tip", "tip-1"),
            () => Ledger.PostAsync([(1, -2), (2, 1), (3, 1)], "split"),
            () => Ledger.PostAsync([(1, -2), (2, 1), (3, 1)], "split", "split-1"),
            () => Ledger.HoldAsync(1, 1, "cart", "cart-3"),
            () => Ledger.CaptureAsync(hold.HoldId),
            () => Ledger.CaptureAsync(hold.HoldId, 10, toOwnerId: 2, idempotencyKey: "capture-1"),
            () => Ledger.ReverseAsync(payout.TransactionId, "claw back", amount: 10),
            () => Ledger.ReverseAsync(gift.CreditTransactionId, "undo gift", "undo-1"),
            () => Ledger.ReversePostingAsync(posting.PostingId, "undo pool", "undo-pool-1"),
        ];
        foreach (var attempt in outOfTheWallet)
        {
            await Assert.ThrowsAsync<WalletFrozenException>(attempt);
        }

        Assert.Equal(before, await Db.SnapshotAsync());
        Assert.Equal(HoldStatus.Pending, (await Ledger.GetHoldAsync(hold.HoldId)).Status);

        // Into the wallet, and releasing its holds, still works.
        Assert.Equal(320, (await Ledger.CreditAsync(1, 10, "refund")).BalanceAfter);
        Assert.Equal(325, (await Ledger.TransferAsync(2, 1, 5, "tip back")).ToBalanceAfter);
        Assert.Equal(HoldStatus.Voided, (await Ledger.VoidAsync(spare.HoldId, "void-1")).Status);
        var reversedIn = await Ledger.ReverseAsync(spent.DebitTransactionId, "the purchase was cancelled", amount: 15);
        Assert.Equal(340, reversedIn.Legs[0].BalanceAfter);

        // An operator moves coins out on purpose; it is recorded with its actor and reason.
        var adjusted = await Ledger.AdjustAsync(1, -100, "chargeback", "adj-1", actor: "key:3f2a9c1b0d4e");
        Assert.Equal(240, adjusted.BalanceAfter);
        var change = (await Db.Admin.ChangesAsync(OwnerId.From(1), 1))[0];
        Assert.Equal((WalletChanges.Adjustment, "key:3f2a9c1b0d4e", "chargeback", (long?)adjusted.TransactionId),
            (change.Change, change.Actor, change.Reason, change.EntryId));
        // Even an adjustment needs the coins (or overdraft), frozen or not.
        await Assert.ThrowsAsync<InsufficientFundsException>(() => Ledger.AdjustAsync(1, -1_000, "too much"));
        Assert.Equal((0L, 0L), (await Db.DriftedWalletCountAsync(), await Db.HeldDriftCountAsync()));
    }

    [Fact]
    public async Task An_adjustment_is_keyed_like_any_write_and_checked_like_one()
    {
        var first = await Ledger.AdjustAsync(7, 50, "goodwill", "adj-7");
        var again = await Ledger.AdjustAsync(7, 50, "goodwill", "adj-7");

        Assert.Equal((50L, false, true, first.TransactionId), (first.BalanceAfter, first.Replayed, again.Replayed, again.TransactionId));
        await Assert.ThrowsAsync<IdempotencyConflictException>(() => Ledger.AdjustAsync(7, 51, "goodwill", "adj-7"));
        Assert.Throws<InvalidAmountException>(() => new AdjustmentCommand(OwnerId.From(7), 0, "nothing", "cli:ops"));
        Assert.Throws<LedgerValidationException>(() => new AdjustmentCommand(OwnerId.From(7), 5, "why", " "));
        Assert.Throws<LedgerValidationException>(() => new AdjustmentCommand(OwnerId.From(7), 5, "why", new string('a', 65)));
        Assert.Equal(50, await Ledger.GetBalanceAsync(7));
    }
}

[Collection(SqliteCollection.Name)]
public sealed class FrozenWalletSqliteTests(SqliteDatabaseFixture database) : FrozenWalletTests(database);

[Collection(PostgresCollection.Name)]
public sealed class FrozenWalletPostgresTests(PostgresDatabaseFixture database) : FrozenWalletTests(database);

[SqlServerLane, Collection(SqlServerCollection.Name)]
public sealed class FrozenWalletSqlServerTests(SqlServerDatabaseFixture database) : FrozenWalletTests(database);
