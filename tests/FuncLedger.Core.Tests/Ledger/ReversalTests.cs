using FuncLedger.Core.Domain;
using FuncLedger.Core.Tests.Infrastructure;
using FuncLedger.TestSupport;

namespace FuncLedger.Core.Tests.Ledger;

/// <summary>Reversals: compensating entries linked to the originals; partial reversals add up to at most the original.</summary>
public abstract class ReversalTests(ILedgerDatabase database) : LedgerTestBase(database)
{
    [Fact]
    public async Task A_reversed_credit_is_compensated_linked_both_ways_and_replayed_under_its_key()
    {
        var credit = await Ledger.CreditAsync(1, 100, "wrong payout");
        var before = await Db.ScalarAsync($"SELECT amount FROM ledger_entries WHERE id = {credit.TransactionId}");

        var reversal = await Ledger.ReverseAsync(credit.TransactionId, "paid by mistake", "rev-1");
        var snapshot = await Db.SnapshotAsync();
        var again = await Ledger.ReverseAsync(credit.TransactionId, "paid by mistake", "rev-1");

        Assert.Equal((100L, credit.TransactionId, false), (reversal.Amount, reversal.TransactionId, reversal.Replayed));
        Assert.Equal((-100L, 0L, credit.TransactionId), (reversal.Legs[0].Amount, reversal.Legs[0].BalanceAfter, reversal.Legs[0].Reverses));
        Assert.True(again.Replayed);
        Assert.Equal(reversal.Legs, again.Legs);
        Assert.Equal(snapshot, await Db.SnapshotAsync());
        Assert.Equal(before, await Db.ScalarAsync($"SELECT amount FROM ledger_entries WHERE id = {credit.TransactionId}"));
        var history = await Ledger.GetHistoryAsync(1);
        Assert.Equal((reversal.ReversalId, (long?)credit.TransactionId, "rev-1_leg_1"), (history[0].Id, history[0].Reverses, history[0].IdempotencyKey));
        Assert.Equal([reversal.ReversalId], history[1].ReversedBy);
        await Assert.ThrowsAsync<ReversalExceedsOriginalException>(() => Ledger.ReverseAsync(credit.TransactionId, "again", "rev-2"));
        await Assert.ThrowsAsync<IdempotencyConflictException>(() => Ledger.ReverseAsync(credit.TransactionId, "other reason", "rev-1"));
        await Assert.ThrowsAsync<TransactionNotFoundException>(() => Ledger.ReverseAsync(credit.TransactionId + 100, "none"));
    }

    [Fact]
    public async Task Partial_reversals_add_up_and_never_exceed_the_original()
    {
        await Ledger.CreditAsync(1, 500, "seed");
        var debit = await Ledger.DebitAsync(1, 100, "shop");

        await Ledger.ReverseAsync(debit.TransactionId, "refund 1", amount: 30);
        await Ledger.ReverseAsync(debit.TransactionId, "refund 2", amount: 50);
        var over = await Assert.ThrowsAsync<ReversalExceedsOriginalException>(() =>
            Ledger.ReverseAsync(debit.TransactionId, "refund 3", amount: 30));
        var rest = await Ledger.ReverseAsync(debit.TransactionId, "refund rest");

        Assert.Equal(20, over.Remaining);
        Assert.Equal((20L, 500L), (rest.Amount, rest.Legs[0].BalanceAfter));
        Assert.Equal(3, (await Ledger.GetHistoryAsync(1)).Single(h => h.Id == debit.TransactionId).ReversedBy.Count);
        Assert.Equal(100, await Db.ScalarAsync($"SELECT SUM(amount) FROM ledger_reversals WHERE original_entry_id = {debit.TransactionId}"));
    }

    [Fact]
    public async Task A_transfer_reverses_both_sides_in_one_transaction_from_either_side()
    {
        await Ledger.CreditAsync(1, 100, "seed");
        var transfer = await Ledger.TransferAsync(1, 2, 70, "gift", "gift-1");

        var part = await Ledger.ReverseAsync(transfer.CreditTransactionId, "half back", "undo-1", 30);
        var rest = await Ledger.ReverseAsync(transfer.DebitTransactionId, "rest back", "undo-2");

        Assert.Equal([(1L, 30L), (2L, -30L)], part.Legs.Select(l => (l.OwnerId, l.Amount)));
        Assert.Equal([transfer.DebitTransactionId, transfer.CreditTransactionId], part.Legs.Select(l => l.Reverses));
        Assert.Equal(40, rest.Amount);
        Assert.Equal((100L, 0L), (await Ledger.GetBalanceAsync(1), await Ledger.GetBalanceAsync(2)));
        await Assert.ThrowsAsync<ReversalExceedsOriginalException>(() => Ledger.ReverseAsync(transfer.DebitTransactionId, "more"));
        Assert.Equal(await Db.SumOfEntriesAsync(), await Db.SumOfBalancesAsync());
    }

    [Fact]
    public async Task An_unkeyed_transfer_or_posting_reverses_every_side_and_its_entries_still_show_no_key()
    {
        await Ledger.CreditAsync(1, 100, "seed");
        var transfer = await Ledger.TransferAsync(1, 2, 70, "gift");
        var posting = await Ledger.PostAsync([(1, -30), (3, 20), (4, 10)], "prizes");
        var refusals = await Db.ScalarAsync("SELECT COUNT(*) FROM ledger_refusals");
        await Assert.ThrowsAsync<InsufficientFundsException>(() => Ledger.TransferAsync(1, 2, 1, "nothing left"));
        await Assert.ThrowsAsync<InsufficientFundsException>(() => Ledger.PostAsync([(1, -1), (2, 1)], "nothing left"));

        var undoTransfer = await Ledger.ReverseAsync(transfer.CreditTransactionId, "gift returned", amount: 50);
        var undoPosting = await Ledger.ReverseAsync(posting.Legs[2].TransactionId, "pool cancelled");

        Assert.Equal([(1L, 50L), (2L, -50L)], undoTransfer.Legs.Select(l => (l.OwnerId, l.Amount)));
        Assert.Equal([(1L, 30L), (3L, -20L), (4L, -10L)], undoPosting.Legs.Select(l => (l.OwnerId, l.Amount)));
        Assert.Equal((80L, 20L, 0L, 0L), (await Ledger.GetBalanceAsync(1), await Ledger.GetBalanceAsync(2),
            await Ledger.GetBalanceAsync(3), await Ledger.GetBalanceAsync(4)));
        Assert.Equal(30, (await Ledger.ReverseAsync(undoPosting.ReversalId, "the undo was wrong")).Amount);
        Assert.Equal((50L, 20L, 10L), (await Ledger.GetBalanceAsync(1), await Ledger.GetBalanceAsync(3), await Ledger.GetBalanceAsync(4)));
        await Assert.ThrowsAsync<ReversalExceedsOriginalException>(() => Ledger.ReverseAsync(transfer.DebitTransactionId, "more", amount: 21));
        // Unkeyed stays unkeyed to the client: no key in history, no refusal kept, no replay.
        Assert.All(await Ledger.GetHistoryAsync(1), h => Assert.Null(h.IdempotencyKey));
        Assert.All(await Ledger.GetHistoryAsync(3), h => Assert.Null(h.IdempotencyKey));
        Assert.Equal(refusals, await Db.ScalarAsync("SELECT COUNT(*) FROM ledger_refusals"));
        Assert.Equal(await Db.SumOfEntriesAsync(), await Db.SumOfBalancesAsync());
        Assert.Equal(100, await Db.SumOfBalancesAsync());
    }

    [Fact]
    public async Task A_reversal_that_would_overdraw_is_refused_and_changes_nothing_and_a_frozen_wallet_pays_no_reversal_out()
    {
        await Ledger.CreditAsync(2, 10, "seed");
        var credit = await Ledger.CreditAsync(1, 100, "bonus");
        var spent = await Ledger.TransferAsync(1, 2, 80, "spent");
        var snapshot = await Db.SnapshotAsync();

        await Assert.ThrowsAsync<InsufficientFundsException>(() => Ledger.ReverseAsync(credit.TransactionId, "claw back", "claw-1"));
        Assert.Equal(snapshot, await Db.SnapshotAsync());
        await Db.Admin.SetFrozenAsync(OwnerId.From(1), true, "test");
        // Frozen means frozen: a reversal that debits the wallet is refused, with or without a key, and changes nothing.
        await Assert.ThrowsAsync<WalletFrozenException>(() => Ledger.ReverseAsync(credit.TransactionId, "claw back what is left", amount: 20));
        await Assert.ThrowsAsync<WalletFrozenException>(() => Ledger.ReverseAsync(credit.TransactionId, "claw back", "claw-2", amount: 20));
        Assert.Equal(snapshot, await Db.SnapshotAsync());
        // One that credits it lands (the transfer out, reversed: owner 2 pays back).
        var back = await Ledger.ReverseAsync(spent.DebitTransactionId, "refund", "refund-1", amount: 30);
        Assert.Equal((50L, 60L), (back.Legs[0].BalanceAfter, back.Legs[1].BalanceAfter));
        // Only an operator's adjustment takes coins out of the frozen wallet, recorded with its actor and reason.
        var adjusted = await Ledger.AdjustAsync(new AdjustmentCommand(OwnerId.From(1), -20, "claw back, approved", "cli:ops", IdempotencyKey.From("adj-1")));
        Assert.Equal(30, adjusted.BalanceAfter);
        var change = (await Db.Admin.ChangesAsync(OwnerId.From(1), 1))[0];
        Assert.Equal((WalletChanges.Adjustment, "cli:ops", "claw back, approved", adjusted.TransactionId),
            (change.Change, change.Actor, change.Reason!, change.EntryId!.Value));
        Assert.Equal(0, await Db.DriftedWalletCountAsync());
    }

    [Fact]
    public async Task A_posting_of_many_legs_reverses_whole_only()
    {
        await Ledger.CreditAsync(1, 100, "seed");
        var posting = await Ledger.PostAsync([(1, -60), (2, 40), (3, 20)], "prizes", "pool-1");

        await Assert.ThrowsAsync<LedgerValidationException>(() => Ledger.ReverseAsync(posting.Legs[1].TransactionId, "part", amount: 10));
        var reversal = await Ledger.ReverseAsync(posting.Legs[1].TransactionId, "cancelled", "pool-1-undo");

        Assert.Equal(60, reversal.Amount);
        Assert.Equal([60L, -40L, -20L], reversal.Legs.Select(l => l.Amount));
        Assert.Equal((100L, 0L, 0L), (await Ledger.GetBalanceAsync(1), await Ledger.GetBalanceAsync(2), await Ledger.GetBalanceAsync(3)));
        await Assert.ThrowsAsync<ReversalExceedsOriginalException>(() => Ledger.ReverseAsync(posting.Legs[0].TransactionId, "twice"));
    }

    [Fact]
    public async Task A_posting_is_reversed_whole_by_its_id_all_or_none()
    {
        await Ledger.CreditAsync(1, 100, "seed");
        var posting = await Ledger.PostAsync([(1, -60), (2, 40), (3, 20)], "prizes", "pool-1");
        await Ledger.DebitAsync(3, 15, "spent");
        var before = await Db.SnapshotAsync();

        // Owner 3 spent 15 of its 20: the payee's coins must be there, so the whole reversal is refused and nothing moves.
        await Assert.ThrowsAsync<InsufficientFundsException>(() => Ledger.ReversePostingAsync(posting.PostingId, "cancelled", "undo-1"));
        Assert.Equal(before, await Db.SnapshotAsync());
        await Ledger.CreditAsync(3, 15, "refund");
        // A keyed refusal is that key's answer for good, whatever the balance is now.
        Assert.True((await Assert.ThrowsAsync<InsufficientFundsException>(
            () => Ledger.ReversePostingAsync(posting.PostingId, "cancelled", "undo-1"))).Replayed);
        var reversal = await Ledger.ReversePostingAsync(posting.PostingId, "cancelled", "undo-2");
        var replay = await Ledger.ReversePostingAsync(posting.PostingId, "cancelled", "undo-2");

        Assert.Equal((posting.PostingId, 60L, false), (reversal.PostingId!.Value, reversal.Amount, reversal.Replayed));
        Assert.Equal([60L, -40L, -20L], reversal.Legs.Select(l => l.Amount));
        Assert.Equal(posting.Legs.Select(l => l.TransactionId), reversal.Legs.Select(l => l.Reverses));
        Assert.Equal(reversal with { Replayed = true }, replay with { Legs = reversal.Legs });
        Assert.Equal(reversal.Legs, replay.Legs);
        Assert.Equal((100L, 0L, 0L), (await Ledger.GetBalanceAsync(1), await Ledger.GetBalanceAsync(2), await Ledger.GetBalanceAsync(3)));
        await Assert.ThrowsAsync<ReversalExceedsOriginalException>(() => Ledger.ReversePostingAsync(posting.PostingId, "twice"));
        await Assert.ThrowsAsync<IdempotencyConflictException>(() => Ledger.ReversePostingAsync(posting.PostingId, "other words", "undo-2"));
        await Assert.ThrowsAsync<PostingNotFoundException>(() => Ledger.ReversePostingAsync(posting.PostingId + 100, "none"));
        Assert.Equal(0, await Db.DriftedWalletCountAsync());
    }

    [Fact]
    public async Task A_posting_of_two_legs_partly_reversed_is_reversed_for_what_is_left()
    {
        await Ledger.CreditAsync(1, 100, "seed");
        var posting = await Ledger.PostAsync([(1, -50), (2, 50)], "sale");
        await Ledger.ReverseAsync(posting.Legs[0].TransactionId, "part refund", amount: 20);

        var rest = await Ledger.ReversePostingAsync(posting.PostingId, "full refund");

        Assert.Equal(30, rest.Amount);
        Assert.Equal([30L, -30L], rest.Legs.Select(l => l.Amount));
        Assert.Equal((100L, 0L), (await Ledger.GetBalanceAsync(1), await Ledger.GetBalanceAsync(2)));
        Assert.Null(rest.IdempotencyKey);
    }
}

[Collection(SqliteCollection.Name)]
public sealed class ReversalSqliteTests(SqliteDatabaseFixture database) : ReversalTests(database);

[Collection(PostgresCollection.Name)]
public sealed class ReversalPostgresTests(PostgresDatabaseFixture database) : ReversalTests(database);

[SqlServerLane, Collection(SqlServerCollection.Name)]
public sealed class ReversalSqlServerTests(SqlServerDatabaseFixture database) : ReversalTests(database);
