using FuncLedger.TestSupport;
using FuncLedger.Core.Payouts;
using FuncLedger.Core.Domain;
using FuncLedger.Core.Tests.Infrastructure;

namespace FuncLedger.Core.Tests.Ledger;

/// <summary>The seed's idempotency cases: replays write nothing and return the original result.</summary>
public abstract class IdempotencyTests(ILedgerDatabase database) : LedgerTestBase(database)
{
    [Fact]
    public async Task A_duplicate_credit_writes_once_and_returns_the_original_result()
    {
        var first = await Ledger.CreditAsync(1, 100, "topup", "credit-1");
        var again = await Ledger.CreditAsync(1, 100, "topup", "credit-1");

        Assert.Equal(first with { Replayed = true }, again);
        Assert.False(first.Replayed);
        Assert.Equal(100, await Ledger.GetBalanceAsync(1));
        Assert.Equal(1, await Db.EntryCountAsync());
    }

    [Fact]
    public async Task A_keyed_entry_without_a_fingerprint_from_an_import_is_never_replayed_as_a_new_request()
    {
        // Imported history may carry keys but no request fingerprint: the request cannot be proven the same.
        await Ledger.CreditAsync(1, 100, "seed");
        var walletId = await Db.WalletIdAsync(1);
        await Db.ExecuteAsync(
            "INSERT INTO ledger_entries (wallet_id, amount, balance_after, reason, idempotency_key, request_fingerprint, meta, created_at) " +
            $"VALUES ({walletId}, 50, 150, 'imported', 'legacy-1', NULL, NULL, '2026-01-01 00:00:00')");
        await Db.ExecuteAsync($"UPDATE wallets SET cached_balance = 150 WHERE id = {walletId}");
        var before = await Db.SnapshotAsync();

        await Assert.ThrowsAsync<IdempotencyConflictException>(() => Ledger.CreditAsync(1, 50, "imported", "legacy-1"));

        Assert.Equal(before, await Db.SnapshotAsync());
    }

    [Fact]
    public async Task A_duplicate_debit_writes_once()
    {
        await Ledger.CreditAsync(1, 100, "seed");
        var first = await Ledger.DebitAsync(1, 30, "shop", "debit-1");
        var again = await Ledger.DebitAsync(1, 30, "shop", "debit-1");

        Assert.Equal(first.TransactionId, again.TransactionId);
        Assert.True(again.Replayed);
        Assert.Equal(70, await Ledger.GetBalanceAsync(1));
        Assert.Equal(2, await Db.EntryCountAsync());
    }

    [Fact]
    public async Task A_duplicate_transfer_writes_once_with_debit_and_credit_keys()
    {
        await Ledger.CreditAsync(1, 100, "seed");
        var first = await Ledger.TransferAsync(1, 2, 25, "gift", "xfer-1");
        var again = await Ledger.TransferAsync(1, 2, 25, "gift", "xfer-1");

        Assert.Equal(first with { Replayed = true }, again);
        Assert.Equal(75, await Ledger.GetBalanceAsync(1));
        Assert.Equal(25, await Ledger.GetBalanceAsync(2));
        Assert.Equal(1, await Db.ScalarAsync($"SELECT COUNT(*) FROM ledger_entries WHERE idempotency_key = 'xfer-1_debit' AND id = {first.DebitTransactionId}"));
        Assert.Equal(1, await Db.ScalarAsync($"SELECT COUNT(*) FROM ledger_entries WHERE idempotency_key = 'xfer-1_credit' AND id = {first.CreditTransactionId}"));
    }

    [Fact]
    public async Task Award_participation_pays_once()
    {
        var first = await Ledger.AwardParticipationAsync(501, 7, 50);
        var again = await Ledger.AwardParticipationAsync(501, 7, 50);

        Assert.Equal("participation_award_reg_501", first.IdempotencyKey);
        Assert.Equal(first.TransactionId, again.TransactionId);
        Assert.True(again.Replayed);
        Assert.Equal(50, await Ledger.GetBalanceAsync(7));
    }

    [Fact]
    public async Task A_mixed_award_batch_pays_in_one_transaction_and_matches_the_single_award_keys()
    {
        Award[] batch = [new(950, null, OwnerId.From(21), Coins.From(10)), new(950, 1, OwnerId.From(21), Coins.From(500)), new(951, null, OwnerId.From(22), Coins.From(10)), new(951, 2, OwnerId.From(22), Coins.From(300))];

        var first = await Ledger.AwardAsync(batch);
        var single = await Ledger.AwardParticipationAsync(951, 22, 10);
        var again = await Ledger.AwardAsync(batch);

        Assert.Equal(["participation_award_reg_950", "placement_award_reg_950_place_1", "participation_award_reg_951", "placement_award_reg_951_place_2"],
            first.Select(r => r.IdempotencyKey));
        Assert.True(single.Replayed);
        Assert.Equal(first[2].TransactionId, single.TransactionId);
        Assert.All(again, r => Assert.True(r.Replayed));
        Assert.Equal(510, await Ledger.GetBalanceAsync(21));
        Assert.Equal(310, await Ledger.GetBalanceAsync(22));
        Assert.Equal(4, await Db.EntryCountAsync());
        await Assert.ThrowsAsync<LedgerValidationException>(() => Ledger.AwardAsync([new(952, null, OwnerId.From(1), Coins.From(5)), new(952, null, OwnerId.From(2), Coins.From(5))]));
        await Assert.ThrowsAsync<IdempotencyConflictException>(() => Ledger.AwardAsync([new(953, null, OwnerId.From(1), Coins.From(5)), new(950, 1, OwnerId.From(21), Coins.From(999))]));
        Assert.Equal(4, await Db.EntryCountAsync());
    }

    [Fact]
    public async Task A_large_award_batch_pays_each_award_once_with_running_balances_and_replays_when_sent_again_with_more()
    {
        // Large enough to bind arrays on PostgreSQL (PostgresStore.ArrayBatchMin): 30 awards to 6 owners without wallets yet.
        Assert.True(30 >= Core.Persistence.Postgres.PostgresStore.ArrayBatchMin);
        var batch = Enumerable.Range(0, 30).Select(i => new Award(7000 + i, i % 3 == 0 ? 1 : null, OwnerId.From(60 + (i % 6)), Coins.From(10 + i))).ToArray();

        var first = await Ledger.AwardAsync(batch);

        Assert.All(first, r => Assert.False(r.Replayed));
        for (var i = 0; i < batch.Length; i++)
        {
            // Each result names its own entry, with this award's key and amount, and its owner's running balance.
            var running = batch.Take(i + 1).Where(a => a.Owner == batch[i].Owner).Sum(a => a.Amount.Value);
            Assert.Equal(running, first[i].BalanceAfter);
            Assert.Equal(1, await Db.ScalarAsync(
                $"SELECT COUNT(*) FROM ledger_entries WHERE id = {first[i].TransactionId} AND idempotency_key = '{first[i].IdempotencyKey}' AND amount = {batch[i].Amount.Value} AND balance_after = {running}"));
        }

        var more = Enumerable.Range(30, 10).Select(i => new Award(7000 + i, null, OwnerId.From(60 + (i % 7)), Coins.From(100))).ToArray();
        var again = await Ledger.AwardAsync([.. batch, .. more]);

        Assert.Equal(first.Select(r => r.TransactionId), again.Take(30).Select(r => r.TransactionId));
        Assert.All(again.Take(30), r => Assert.True(r.Replayed));
        Assert.All(again.Skip(30), r => Assert.False(r.Replayed));
        Assert.Equal(40, await Db.EntryCountAsync());
        Assert.Equal(7, await Db.WalletCountAsync());
        Assert.Equal(batch.Sum(a => a.Amount.Value) + more.Sum(a => a.Amount.Value), await Db.SumOfBalancesAsync());
        Assert.Equal(0, await Db.DriftedWalletCountAsync());
        Assert.Equal(0, await Db.ScalarAsync(
            "SELECT COUNT(*) FROM ledger_entries e WHERE e.balance_after <> (SELECT SUM(x.amount) FROM ledger_entries x WHERE x.wallet_id = e.wallet_id AND x.id <= e.id)"));

        // One conflicting award in a large batch: nothing of the batch is written.
        var before = await Db.SnapshotAsync();
        Award[] conflicting = [.. Enumerable.Range(40, 12).Select(i => new Award(7000 + i, null, OwnerId.From(61), Coins.From(5))), new(7000, 1, OwnerId.From(60), Coins.From(11))];
        await Assert.ThrowsAsync<IdempotencyConflictException>(() => Ledger.AwardAsync(conflicting));
        Assert.Equal(before, await Db.SnapshotAsync());
    }

    [Fact]
    public async Task Award_placements_pay_each_place_once_even_when_the_batch_is_sent_again()
    {
        PlacementAward[] podium = [new(900, 1, 11, 500), new(900, 2, 12, 300), new(900, 3, 13, 100)];
        var first = await Ledger.AwardPlacementsAsync(podium);
        var partial = await Ledger.AwardPlacementAsync(900, 2, 12, 300);
        var again = await Ledger.AwardPlacementsAsync([.. podium, new PlacementAward(900, 4, 14, 50)]);

        Assert.Equal(first[1].TransactionId, partial.TransactionId);
        Assert.Equal(first.Select(r => r.TransactionId), again.Take(3).Select(r => r.TransactionId));
        Assert.All(again.Take(3), r => Assert.True(r.Replayed));
        Assert.False(again[3].Replayed);
        long[] balances = [await Ledger.GetBalanceAsync(11), await Ledger.GetBalanceAsync(12), await Ledger.GetBalanceAsync(13), await Ledger.GetBalanceAsync(14)];
        Assert.Equal([500L, 300, 100, 50], balances);
        Assert.Equal(4, await Db.EntryCountAsync());
    }

    [Fact]
    public async Task The_same_key_with_a_different_amount_owner_or_operation_is_a_conflict_and_writes_nothing()
    {
        await Ledger.CreditAsync(1, 100, "topup", "key-1");
        var before = await Db.SnapshotAsync();

        var amount = await Assert.ThrowsAsync<IdempotencyConflictException>(() => Ledger.CreditAsync(1, 101, "topup", "key-1"));
        await Assert.ThrowsAsync<IdempotencyConflictException>(() => Ledger.CreditAsync(2, 100, "topup", "key-1"));
        await Assert.ThrowsAsync<IdempotencyConflictException>(() => Ledger.DebitAsync(1, 100, "topup", "key-1"));
        await Assert.ThrowsAsync<IdempotencyConflictException>(() => Ledger.CreditAsync(1, 100, "other reason", "key-1"));
        Assert.Equal(before, await Db.SnapshotAsync());
        await Ledger.AwardPlacementAsync(77, 1, 1, 100);
        await Assert.ThrowsAsync<IdempotencyConflictException>(() => Ledger.AwardPlacementAsync(77, 1, 1, 99));

        Assert.Equal(LedgerErrorCodes.IdempotencyConflict, amount.Code);
        Assert.Equal("key-1", amount.IdempotencyKey);
        Assert.Equal(200, await Ledger.GetBalanceAsync(1));
        Assert.Equal(2, await Db.EntryCountAsync());
        Assert.Equal(0, await Db.DriftedWalletCountAsync());
    }

    [Fact]
    public async Task An_out_of_order_replay_returns_the_original_transaction_and_balance()
    {
        var first = await Ledger.CreditAsync(1, 100, "topup", "a");
        var transfer = await Ledger.TransferAsync(1, 2, 10, "gift", "b");
        await Ledger.CreditAsync(1, 5, "later");

        var replayFirst = await Ledger.CreditAsync(1, 100, "topup", "a");
        var replayTransfer = await Ledger.TransferAsync(1, 2, 10, "gift", "b");

        Assert.Equal((first.TransactionId, 100L), (replayFirst.TransactionId, replayFirst.BalanceAfter));
        Assert.Equal((transfer.DebitTransactionId, 90L, 10L), (replayTransfer.DebitTransactionId, replayTransfer.FromBalanceAfter, replayTransfer.ToBalanceAfter));
        Assert.Equal(95, await Ledger.GetBalanceAsync(1));
    }

    [Fact]
    public async Task Payout_and_transfer_keys_follow_the_deterministic_patterns()
    {
        await Ledger.CreditAsync(1, 100, "seed");
        var participation = await Ledger.AwardParticipationAsync(31, 2, 10);
        var placement = await Ledger.AwardPlacementAsync(31, 3, 2, 20);
        await Ledger.TransferAsync(1, 2, 5, "gift", "tx-9");

        Assert.Equal("participation_award_reg_31", participation.IdempotencyKey);
        Assert.Equal("placement_award_reg_31_place_3", placement.IdempotencyKey);
        Assert.Equal(IdempotencyKeys.Participation(31), participation.IdempotencyKey);
        var keys = (await Ledger.GetHistoryAsync(2)).Select(h => h.IdempotencyKey).ToList();
        Assert.Equal(["tx-9_credit", "placement_award_reg_31_place_3", "participation_award_reg_31"], keys);
        Assert.Equal("tx-9_debit", (await Ledger.GetHistoryAsync(1))[0].IdempotencyKey);
    }

    [Fact]
    public async Task Manual_adjustments_without_a_key_write_every_time()
    {
        var first = await Ledger.CreditAsync(1, 10, "manual adjustment");
        var second = await Ledger.CreditAsync(1, 10, "manual adjustment");

        Assert.Null(first.IdempotencyKey);
        Assert.NotEqual(first.TransactionId, second.TransactionId);
        Assert.Equal(20, await Ledger.GetBalanceAsync(1));
        // Each call's entry carries a key the ledger made for that call (so a rerun of its unit of work replays); the history shows
        // none, and no client key was registered.
        Assert.Equal(2, await Db.ScalarAsync("SELECT COUNT(DISTINCT idempotency_key) FROM ledger_entries WHERE idempotency_key LIKE 'txn %'"));
        Assert.All(await Ledger.GetHistoryAsync(1), h => Assert.Null(h.IdempotencyKey));
        Assert.Equal(0, await Db.ScalarAsync("SELECT COUNT(*) FROM client_keys"));
    }

    [Fact]
    public async Task The_keys_the_ledger_makes_for_unkeyed_writes_grow_in_the_order_they_were_made()
    {
        // Time-ordered (UUIDv7): each unkeyed write adds to the right edge of the entries' key index, not a random page of it.
        for (var i = 0; i < 6; i++)
        {
            await Ledger.CreditAsync(1, 10, "manual adjustment");
            await Task.Delay(3);
        }

        Assert.Equal(6, await Db.ScalarAsync("SELECT COUNT(*) FROM ledger_entries WHERE idempotency_key LIKE 'txn %'"));
        Assert.Equal(0, await Db.ScalarAsync("SELECT COUNT(*) FROM ledger_entries a JOIN ledger_entries b ON b.id > a.id "
            + "WHERE a.idempotency_key LIKE 'txn %' AND b.idempotency_key LIKE 'txn %' AND a.idempotency_key >= b.idempotency_key"));
    }

    [Fact]
    public async Task Concurrent_first_requests_with_one_key_write_exactly_once()
    {
        await Ledger.CreditAsync(1, 1_000, "seed");

        var credits = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Ledger.CreditAsync(2, 10, "race", "same-credit"))));
        var transfers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Ledger.TransferAsync(1, 3, 10, "race", "same-transfer"))));

        Assert.Single(credits.Select(c => c.TransactionId).Distinct());
        Assert.Single(transfers.Select(t => t.DebitTransactionId).Distinct());
        Assert.Equal(1, credits.Count(c => !c.Replayed));
        Assert.Equal(1, transfers.Count(t => !t.Replayed));
        Assert.Equal(10, await Ledger.GetBalanceAsync(2));
        Assert.Equal(10, await Ledger.GetBalanceAsync(3));
        Assert.Equal(990, await Ledger.GetBalanceAsync(1));
        Assert.Equal(4, await Db.EntryCountAsync());
    }
}

[Collection(SqliteCollection.Name)]
public sealed class IdempotencySqliteTests(SqliteDatabaseFixture database) : IdempotencyTests(database);

[Collection(PostgresCollection.Name)]
public sealed class IdempotencyPostgresTests(PostgresDatabaseFixture database) : IdempotencyTests(database);
