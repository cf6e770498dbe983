using FuncLedger.Core.Domain;
using FuncLedger.Core.Tests.Infrastructure;
using FuncLedger.TestSupport;

namespace FuncLedger.Core.Tests.Ledger;

/// <summary>Two-phase holds: reserve, capture (all, part, to another owner), void, expiry, replays.</summary>
public abstract class HoldTests(ILedgerDatabase database) : LedgerTestBase(database)
{
    [Fact]
    public async Task A_hold_lowers_the_available_balance_and_debits_cannot_reach_into_it()
    {
        await Ledger.CreditAsync(1, 100, "seed");

        var hold = await Ledger.HoldAsync(1, 60, "checkout", "cart-1");

        Assert.Equal((HoldStatus.Pending, 60L, 100L, 60L, 40L), (hold.Status, hold.Amount, hold.Balance, hold.Held, hold.Available));
        Assert.Equal(Db.Time.GetUtcNow().UtcDateTime.AddMinutes(15), hold.ExpiresAt, TimeSpan.FromSeconds(5));
        Assert.Equal(new WalletBalance(1, 100, 60, 40, false, false), await Ledger.GetWalletAsync(1));
        var refused = await Assert.ThrowsAsync<InsufficientFundsException>(() => Ledger.DebitAsync(1, 41, "too much"));
        Assert.Equal(40, refused.Balance);
        await Assert.ThrowsAsync<InsufficientFundsException>(() => Ledger.TransferAsync(1, 2, 41, "too much"));
        await Assert.ThrowsAsync<InsufficientFundsException>(() => Ledger.HoldAsync(1, 41, "too much", "cart-2"));
        Assert.Equal(60, (await Ledger.DebitAsync(1, 40, "fits")).BalanceAfter);
        Assert.Equal(new WalletBalance(1, 60, 60, 0, false, false), await Ledger.GetWalletAsync(1));
        Assert.Equal(2, await Db.EntryCountAsync());
        Assert.Equal(0, await Db.HeldDriftCountAsync());
    }

    [Fact]
    public async Task A_whole_capture_debits_the_hold_once_and_then_the_hold_is_not_pending()
    {
        await Ledger.CreditAsync(1, 100, "seed");
        var hold = await Ledger.HoldAsync(1, 60, "checkout", "cart-1");

        var capture = await Ledger.CaptureAsync(hold.HoldId);

        Assert.Equal((60L, 0L, 40L), (capture.Captured, capture.Released, capture.BalanceAfter));
        var history = await Ledger.GetHistoryAsync(1);
        Assert.Equal(($"hold_{hold.HoldId}_capture", -60L, "checkout"), (history[0].IdempotencyKey, history[0].Amount, history[0].Reason));
        var after = await Ledger.GetHoldAsync(hold.HoldId);
        Assert.Equal((HoldStatus.Captured, 60L, 0L, capture.TransactionId), (after.Status, after.Captured, after.Released, after.TransactionId));
        Assert.Equal(new WalletBalance(1, 40, 0, 40, false, false), await Ledger.GetWalletAsync(1));
        var again = await Assert.ThrowsAsync<HoldNotPendingException>(() => Ledger.CaptureAsync(hold.HoldId));
        Assert.Equal(HoldStatus.Captured, again.Status);
        await Assert.ThrowsAsync<HoldNotPendingException>(() => Ledger.VoidHoldAsync(new VoidCommand(hold.HoldId)));
        Assert.Equal(2, await Db.EntryCountAsync());
        Assert.Equal(0, await Db.HeldDriftCountAsync());
    }

    [Fact]
    public async Task A_partial_capture_to_another_owner_is_a_transfer_and_releases_the_rest()
    {
        await Ledger.CreditAsync(1, 100, "seed");
        var hold = await Ledger.HoldAsync(1, 60, "entry fee", "fee-1");

        var capture = await Ledger.CaptureAsync(hold.HoldId, 25, toOwnerId: 2, reason: "tournament 7 fee");

        Assert.Equal((25L, 35L, 75L, 2L), (capture.Captured, capture.Released, capture.BalanceAfter, capture.ToOwnerId));
        Assert.Equal(new WalletBalance(1, 75, 0, 75, false, false), await Ledger.GetWalletAsync(1));
        Assert.Equal(25, await Ledger.GetBalanceAsync(2));
        var credit = (await Ledger.GetHistoryAsync(2))[0];
        Assert.Equal(($"hold_{hold.HoldId}_capture_credit", capture.CreditTransactionId, "tournament 7 fee"),
            (credit.IdempotencyKey, (long?)credit.Id, credit.Reason));
        var small = await Ledger.HoldAsync(1, 10, "x", "fee-2");
        await Assert.ThrowsAsync<InvalidAmountException>(() => Ledger.CaptureAsync(small.HoldId, 11));
        await Assert.ThrowsAsync<InvalidWalletException>(() => Ledger.CaptureAsync(small.HoldId, 5, 1));
        Assert.Equal(await Db.SumOfEntriesAsync(), await Db.SumOfBalancesAsync());
    }

    [Fact]
    public async Task A_void_releases_the_hold_once()
    {
        await Ledger.CreditAsync(1, 100, "seed");
        var hold = await Ledger.HoldAsync(1, 60, "checkout", "cart-1");

        var voided = await Ledger.VoidHoldAsync(new VoidCommand(hold.HoldId));

        Assert.Equal((HoldStatus.Voided, 60L, 100L, 0L, 100L), (voided.Status, voided.Released, voided.Balance, voided.Held, voided.Available));
        await Assert.ThrowsAsync<HoldNotPendingException>(() => Ledger.VoidHoldAsync(new VoidCommand(hold.HoldId)));
        await Assert.ThrowsAsync<HoldNotPendingException>(() => Ledger.CaptureAsync(hold.HoldId));
        await Assert.ThrowsAsync<HoldNotFoundException>(() => Ledger.VoidHoldAsync(new VoidCommand(hold.HoldId + 1_000)));
        await Assert.ThrowsAsync<HoldNotFoundException>(() => Ledger.CaptureAsync(hold.HoldId + 1_000));
        await Assert.ThrowsAsync<HoldNotFoundException>(() => Ledger.GetHoldAsync(hold.HoldId + 1_000));
        Assert.Equal(1, await Db.EntryCountAsync());
        Assert.Equal(0, await Db.HeldDriftCountAsync());
    }

    [Fact]
    public async Task An_expired_hold_is_never_counted_whether_the_timer_ran_or_not_and_cannot_be_captured()
    {
        await Ledger.CreditAsync(1, 100, "seed");
        var hold = await Ledger.HoldAsync(1, 60, "checkout", "cart-1", Db.Time.GetUtcNow().AddMinutes(10));
        Db.Time.Shift(TimeSpan.FromMinutes(11));

        Assert.Equal(new WalletBalance(1, 100, 0, 100, false, false), await Ledger.GetWalletAsync(1));
        Assert.Equal((HoldStatus.Expired, 60L), ((await Ledger.GetHoldAsync(hold.HoldId)).Status, (await Ledger.GetHoldAsync(hold.HoldId)).Released));
        await Assert.ThrowsAsync<HoldExpiredException>(() => Ledger.CaptureAsync(hold.HoldId));
        await Assert.ThrowsAsync<HoldExpiredException>(() => Ledger.VoidHoldAsync(new VoidCommand(hold.HoldId)));
        // The cached held coins still count it until the timer runs; the debit reads the exact sum under the lock.
        Assert.Equal(60, await Db.ScalarAsync("SELECT held FROM wallets"));
        Assert.Equal(10, (await Ledger.DebitAsync(1, 90, "spend")).BalanceAfter);
        Assert.Equal(0, (await Ledger.HoldAsync(1, 10, "fits once the expired hold is not counted", "cart-9")).Available);
        await Ledger.VoidHoldAsync(new VoidCommand((await Ledger.GetHoldAsync(hold.HoldId + 1)).HoldId));

        Assert.Equal(1, await Ledger.ReleaseExpiredHoldsAsync());
        Assert.Equal(0, await Ledger.ReleaseExpiredHoldsAsync());
        Assert.Equal(0, await Db.ScalarAsync("SELECT held FROM wallets"));
        Assert.Equal(HoldStatus.Expired, (await Ledger.GetHoldAsync(hold.HoldId)).Status);
        await Assert.ThrowsAsync<HoldExpiredException>(() => Ledger.CaptureAsync(hold.HoldId));
        await Assert.ThrowsAsync<HoldExpiredException>(() => Ledger.VoidHoldAsync(new VoidCommand(hold.HoldId)));
        Assert.Equal(0, await Db.HeldDriftCountAsync());
    }

    [Fact]
    public async Task A_hold_the_expiry_timer_released_is_expired_even_on_an_instance_whose_clock_says_it_is_not()
    {
        // Instances' clocks differ: the timer on one released the hold (expired, its coins no longer held); a capture or a
        // void on another, whose clock is behind, must not release its coins a second time.
        await Ledger.CreditAsync(1, 100, "seed");
        var hold = await Ledger.HoldAsync(1, 60, "checkout", "cart-1");
        await Ledger.HoldAsync(1, 10, "another", "cart-2");
        await Db.ExecuteAsync($"UPDATE ledger_holds SET status = {(int)HoldStatus.Expired} WHERE id = {hold.HoldId}");
        await Db.ExecuteAsync("UPDATE wallets SET held = 10");

        await Assert.ThrowsAsync<HoldExpiredException>(() => Ledger.CaptureAsync(hold.HoldId));
        await Assert.ThrowsAsync<HoldExpiredException>(() => Ledger.CaptureAsync(hold.HoldId, 10, toOwnerId: 2));
        await Assert.ThrowsAsync<HoldExpiredException>(() => Ledger.VoidHoldAsync(new VoidCommand(hold.HoldId)));

        Assert.Equal(new WalletBalance(1, 100, 10, 90, false, false), await Ledger.GetWalletAsync(1));
        Assert.Equal(10, await Db.ScalarAsync("SELECT held FROM wallets"));
        Assert.Equal(0, await Db.HeldDriftCountAsync());
        Assert.Equal(1, await Db.EntryCountAsync());
    }

    [Fact]
    public async Task A_replay_returns_the_hold_and_writes_nothing_and_another_request_under_the_key_conflicts()
    {
        await Ledger.CreditAsync(1, 100, "seed", "seed-1");
        var first = await Ledger.HoldAsync(1, 60, "checkout", "cart-1");

        var again = await Ledger.HoldAsync(1, 60, "checkout", "cart-1");

        Assert.True(again.Replayed);
        Assert.Equal(first.HoldId, again.HoldId);
        Assert.Equal(1, await Db.ScalarAsync("SELECT COUNT(*) FROM ledger_holds"));
        Assert.Equal(60, (await Ledger.GetWalletAsync(1)).Held);
        await Assert.ThrowsAsync<IdempotencyConflictException>(() => Ledger.HoldAsync(1, 61, "checkout", "cart-1"));
        await Assert.ThrowsAsync<IdempotencyConflictException>(() => Ledger.CreditAsync(1, 60, "checkout", "cart-1"));
        await Assert.ThrowsAsync<IdempotencyConflictException>(() => Ledger.HoldAsync(1, 10, "seed", "seed-1"));
        Assert.Throws<LedgerValidationException>(() => IdempotencyKey.From($"hold_{first.HoldId}_capture"));
    }

    [Fact]
    public async Task A_hold_is_refused_on_a_frozen_or_missing_wallet_and_for_a_bad_expiry_and_a_refusal_is_kept()
    {
        await Ledger.CreditAsync(1, 100, "seed");
        await Db.Admin.SetFrozenAsync(OwnerId.From(1), true, "test");
        var now = Db.Time.GetUtcNow();

        await Assert.ThrowsAsync<WalletFrozenException>(() => Ledger.HoldAsync(1, 10, "x", "h-1"));
        await Assert.ThrowsAsync<InvalidWalletException>(() => Ledger.HoldAsync(2, 10, "x", "h-2"));
        await Assert.ThrowsAsync<LedgerValidationException>(() => Ledger.HoldAsync(1, 10, "x", "h-3", now.AddDays(8)));
        await Assert.ThrowsAsync<LedgerValidationException>(() => Ledger.HoldAsync(1, 10, "x", "h-4", now.AddSeconds(-1)));
        await Db.Admin.SetFrozenAsync(OwnerId.From(1), false, "test");
        await Assert.ThrowsAsync<InsufficientFundsException>(() => Ledger.HoldAsync(1, 101, "x", "h-5"));
        await Ledger.CreditAsync(1, 100, "top-up");
        var again = await Assert.ThrowsAsync<InsufficientFundsException>(() => Ledger.HoldAsync(1, 101, "x", "h-5"));
        Assert.True(again.Replayed);
        await Db.SetOverdraftAsync(1);
        Assert.Equal(-101, (await Ledger.HoldAsync(1, 301, "credit line", "h-6")).Available);
        Assert.Equal(0, await Db.ScalarAsync("SELECT COUNT(*) FROM ledger_holds WHERE status <> 0"));
    }

    [Fact]
    public async Task A_capture_retried_under_its_key_replays_and_other_terms_or_another_key_do_not()
    {
        await Ledger.CreditAsync(1, 100, "seed");
        var hold = await Ledger.HoldAsync(1, 60, "entry fee", "fee-1");

        var capture = await Ledger.CaptureAsync(hold.HoldId, 25, toOwnerId: 2, idempotencyKey: "capture-1");
        var retry = await Ledger.CaptureAsync(hold.HoldId, 25, toOwnerId: 2, idempotencyKey: "capture-1");

        Assert.Equal((false, true), (capture.Replayed, retry.Replayed));
        Assert.Equal(capture with { Replayed = true }, retry);
        await Assert.ThrowsAsync<IdempotencyConflictException>(() => Ledger.CaptureAsync(hold.HoldId, 20, toOwnerId: 2, idempotencyKey: "capture-1"));
        var other = await Assert.ThrowsAsync<HoldNotPendingException>(() => Ledger.CaptureAsync(hold.HoldId, 25, toOwnerId: 2, idempotencyKey: "capture-2"));
        Assert.Equal(HoldStatus.Captured, other.Status);
        await Assert.ThrowsAsync<HoldNotPendingException>(() => Ledger.CaptureAsync(hold.HoldId, 25, toOwnerId: 2));
        await Assert.ThrowsAsync<HoldNotPendingException>(() => Ledger.VoidAsync(hold.HoldId, "void-1"));
        // The hold names both entries of its capture.
        var after = await Ledger.GetHoldAsync(hold.HoldId);
        Assert.Equal((capture.TransactionId, capture.CreditTransactionId), (after.TransactionId!.Value, after.CreditTransactionId));
        Assert.Equal(2, await Db.EntryCountAsync() - 1);
        Assert.Equal((75L, 25L), (await Ledger.GetBalanceAsync(1), await Ledger.GetBalanceAsync(2)));
    }

    [Fact]
    public async Task A_hold_retried_after_the_expiry_it_asked_for_has_passed_answers_as_it_did_the_first_time()
    {
        await Ledger.CreditAsync(1, 100, "seed");
        var expiresAt = Db.Time.GetUtcNow().AddMinutes(10);
        var hold = await Ledger.HoldAsync(1, 60, "cart", "cart-1", expiresAt);
        await Assert.ThrowsAsync<InsufficientFundsException>(() => Ledger.HoldAsync(1, 500, "cart", "cart-2", expiresAt));
        Db.Time.Shift(TimeSpan.FromMinutes(20));

        var replay = await Ledger.HoldAsync(1, 60, "cart", "cart-1", expiresAt);

        Assert.Equal((hold.HoldId, HoldStatus.Expired, true), (replay.HoldId, replay.Status, replay.Replayed));
        Assert.True((await Assert.ThrowsAsync<InsufficientFundsException>(() => Ledger.HoldAsync(1, 500, "cart", "cart-2", expiresAt))).Replayed);
        await Assert.ThrowsAsync<IdempotencyConflictException>(() => Ledger.HoldAsync(1, 61, "cart", "cart-1", expiresAt));
        var invalid = await Assert.ThrowsAsync<LedgerValidationException>(() => Ledger.HoldAsync(1, 60, "cart", "cart-3", expiresAt));
        Assert.Equal("expiresAt", invalid.Errors[0].Field);
    }

    [Fact]
    public async Task Keys_used_before_the_registry_existed_still_name_their_operation()
    {
        // Entries written before client keys were registered (the registry starts empty on an upgraded database).
        await Ledger.CreditAsync(1, 100, "seed", "old-credit");
        var posting = await Ledger.PostAsync([(1, -20), (2, 20)], "sale", "old-posting");
        await Db.ExecuteAsync("DELETE FROM client_keys");

        await Assert.ThrowsAsync<IdempotencyConflictException>(() => Ledger.HoldAsync(1, 10, "cart", "old-credit"));
        await Assert.ThrowsAsync<IdempotencyConflictException>(() => Ledger.ReverseAsync(posting.Legs[0].TransactionId, "undo", "old-posting"));
        Assert.Equal((80L, 0L), (await Ledger.GetBalanceAsync(1), (await Ledger.GetWalletAsync(1)).Held));
    }

    [Fact]
    public async Task A_void_retried_under_its_key_replays_and_another_key_finds_the_hold_closed()
    {
        await Ledger.CreditAsync(1, 100, "seed");
        var hold = await Ledger.HoldAsync(1, 60, "cart", "cart-1");

        var voided = await Ledger.VoidAsync(hold.HoldId, "void-1");
        var retry = await Ledger.VoidAsync(hold.HoldId, "void-1");

        Assert.Equal((false, true), (voided.Replayed, retry.Replayed));
        Assert.Equal(voided with { Replayed = true }, retry);
        Assert.Equal(HoldStatus.Voided, (await Assert.ThrowsAsync<HoldNotPendingException>(() => Ledger.VoidAsync(hold.HoldId, "void-2"))).Status);
        await Assert.ThrowsAsync<HoldNotPendingException>(() => Ledger.VoidAsync(hold.HoldId));
        await Assert.ThrowsAsync<HoldNotPendingException>(() => Ledger.CaptureAsync(hold.HoldId, idempotencyKey: "void-1-capture"));
        // The void's key named the void of this hold: on another hold it is a conflict.
        var other = await Ledger.HoldAsync(1, 10, "cart", "cart-2");
        await Assert.ThrowsAsync<IdempotencyConflictException>(() => Ledger.VoidAsync(other.HoldId, "void-1"));
        Assert.Equal((HoldStatus.Pending, 10L), ((await Ledger.GetHoldAsync(other.HoldId)).Status, (await Ledger.GetWalletAsync(1)).Held));
        Assert.Equal(0, await Db.HeldDriftCountAsync());
    }

}

/// <summary>Races and edges of the hold, reversal and administration commands.</summary>
public abstract class HoldRaceTests(ILedgerDatabase database) : LedgerTestBase(database)
{
    [Fact]
    public async Task Concurrent_requests_under_one_hold_key_make_one_hold_and_concurrent_captures_capture_once()
    {
        await Ledger.CreditAsync(1, 1_000, "seed");

        var holds = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Ledger.HoldAsync(1, 100, "checkout", "race-1"))));
        var captures = await Task.WhenAll(Enumerable.Range(1, 6).Select(n => Task.Run(async () =>
        {
            try
            {
                return (await Ledger.CaptureAsync(holds[0].HoldId, n * 10)).Captured;
            }
            catch (HoldNotPendingException)
            {
                return 0;
            }
        })));

        Assert.Single(holds.Select(h => h.HoldId).Distinct());
        Assert.Equal(1, await Db.ScalarAsync("SELECT COUNT(*) FROM ledger_holds"));
        Assert.Single(captures, c => c > 0);
        Assert.Equal(1_000 - captures.Sum(), await Ledger.GetBalanceAsync(1));
        Assert.Equal(0, await Db.HeldDriftCountAsync());
    }

    [Fact]
    public async Task A_capture_that_read_the_hold_pending_after_another_capture_took_it_is_refused_as_not_pending()
    {
        // The losing side of the race above, made deterministic: the capture reads the hold as pending (here because its
        // status is put back), then its write finds the hold's capture key taken by a capture of other terms.
        await Ledger.CreditAsync(1, 1_000, "seed");
        var hold = await Ledger.HoldAsync(1, 100, "checkout", "stale-1");
        await Ledger.CaptureAsync(hold.HoldId, 40);
        await Db.ExecuteAsync("UPDATE ledger_holds SET status = 0");

        var refused = await Assert.ThrowsAsync<HoldNotPendingException>(() => Ledger.CaptureAsync(hold.HoldId, 50));

        Assert.Equal(HoldStatus.Captured, refused.Status);
        Assert.Equal(960, await Ledger.GetBalanceAsync(1));
    }

    [Fact]
    public async Task Concurrent_partial_reversals_never_move_back_more_than_the_original()
    {
        await Ledger.CreditAsync(2, 1_000, "seed");
        var credit = await Ledger.CreditAsync(1, 100, "bonus");

        var moved = await Task.WhenAll(Enumerable.Range(0, 6).Select(n => Task.Run(async () =>
        {
            try
            {
                return (await Ledger.ReverseAsync(credit.TransactionId, "claw back", $"claw-{n}", 30)).Amount;
            }
            catch (ReversalExceedsOriginalException)
            {
                return 0;
            }
        })));

        Assert.Equal(90, moved.Sum());
        Assert.Equal(10, await Ledger.GetBalanceAsync(1));
    }

    [Fact]
    public void Commands_and_keys_refuse_what_they_cannot_hold()
    {
        Assert.Throws<LedgerValidationException>(() => new HoldCommand(OwnerId.From(1), Coins.From(1), "r", null!));
        Assert.Throws<LedgerValidationException>(() => new CaptureCommand(0));
        Assert.Throws<LedgerValidationException>(() => new ReverseCommand(0, "r"));
        Assert.Equal("holdId", Assert.Throws<LedgerValidationException>(() => new VoidCommand(0)).Errors[0].Field);
        Assert.Equal("postingId", Assert.Throws<LedgerValidationException>(() => new ReversePostingCommand(-1, "r")).Errors[0].Field);
        Assert.Throws<LedgerValidationException>(() => Core.Domain.IdempotencyKeys.PostingLeg(new string('k', 120), 1_000));
        Assert.Empty(Core.Domain.IdempotencyKeys.TransactionKeys(null));
        Assert.Equal(["hold_7_capture", "hold_7_capture_credit"], Core.Domain.IdempotencyKeys.TransactionKeys("hold_7_capture"));
        Assert.Equal(["hold_7_capture", "hold_7_capture_credit"], Core.Domain.IdempotencyKeys.TransactionKeys("hold_7_capture_credit"));
        Assert.Equal(["t_debit", "t_credit"], Core.Domain.IdempotencyKeys.TransactionKeys("t_credit"));
        Assert.Equal(["order-1"], Core.Domain.IdempotencyKeys.TransactionKeys("order-1"));
        Assert.Equal(("p_leg_1", "p_leg_1000", 1_000), (Core.Domain.IdempotencyKeys.TransactionKeys("p_leg_7")[0],
            Core.Domain.IdempotencyKeys.TransactionKeys("p_leg_7")[^1], Core.Domain.IdempotencyKeys.TransactionKeys("p_leg_7").Length));
        Assert.False(Core.Domain.IdempotencyKeys.IsReserved("hold__capture"));
        Assert.False(Core.Domain.IdempotencyKeys.IsReserved("hold_x1_capture"));
        foreach (var (defaults, most) in new[] { (0, 10), (20, 10), (10, 600_000) })
        {
            Assert.Throws<InvalidOperationException>(() => new LedgerHoldOptions { DefaultExpiryMinutes = defaults, MaxExpiryMinutes = most }.Validate());
        }

        var item = new HistoryItem(1, 2, 3, "r", DateTime.UnixEpoch, null) { ReversedBy = [4] };
        Assert.Equal(item, item with { ReversedBy = [4] });
        Assert.NotEqual(item, item with { ReversedBy = [5] });
        Assert.NotEqual(item, item with { Reverses = 9 });
        Assert.False(item.Equals(null));
        Assert.Equal(item.GetHashCode(), (item with { ReversedBy = [4] }).GetHashCode());
    }

    [Fact]
    public async Task Change_records_are_asked_for_in_bounds()
    {
        await Assert.ThrowsAsync<LedgerValidationException>(() => Db.Admin.ChangesAsync(null, 0));
        await Assert.ThrowsAsync<LedgerValidationException>(() => Db.Admin.ChangesAsync(null, 1_001));
    }
}

[Collection(SqliteCollection.Name)]
public sealed class HoldRaceSqliteTests(SqliteDatabaseFixture database) : HoldRaceTests(database);

[Collection(PostgresCollection.Name)]
public sealed class HoldRacePostgresTests(PostgresDatabaseFixture database) : HoldRaceTests(database);

[SqlServerLane, Collection(SqlServerCollection.Name)]
public sealed class HoldRaceSqlServerTests(SqlServerDatabaseFixture database) : HoldRaceTests(database);

[Collection(SqliteCollection.Name)]
public sealed class HoldSqliteTests(SqliteDatabaseFixture database) : HoldTests(database);

[Collection(PostgresCollection.Name)]
public sealed class HoldPostgresTests(PostgresDatabaseFixture database) : HoldTests(database);

[SqlServerLane, Collection(SqlServerCollection.Name)]
public sealed class HoldSqlServerTests(SqlServerDatabaseFixture database) : HoldTests(database);
