using FuncLedger.Core.Domain;
using FuncLedger.Core.Tests.Infrastructure;
using FuncLedger.TestSupport;
using Npgsql;

namespace FuncLedger.Core.Tests.Ledger;

/// <summary>
/// A capture reads its hold pending, then its write (in the same statement, ledger_capture) waits for the wallet while another
/// transaction voids the hold or the hold expires: under the lock the write finds the hold no longer capturable and
/// changes nothing. And a hold whose key another transaction takes while it inserts. Deterministic: the other transaction
/// holds the lock until the ledger's statement is seen waiting on it.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresHoldRaceTests(PostgresDatabaseFixture database) : LedgerTestBase(database)
{
    [Fact]
    public async Task A_capture_whose_hold_is_voided_while_it_waits_for_the_wallet_is_refused_as_not_pending()
    {
        // The ledger's own void, at the test clock's time (the hold's creation).
        var (capture, holdId) = await CaptureWaitingOnAsync(
            "SELECT o_kind FROM ledger_void(@hold, 'race-void', NULL, false, (SELECT created_at FROM ledger_holds WHERE id = @hold))");

        var refused = await Assert.ThrowsAsync<HoldNotPendingException>(() => capture);

        Assert.Equal((holdId, HoldStatus.Voided), (refused.HoldId, refused.Status));
        await AssertNothingCapturedAsync(holdId, HoldStatus.Voided);
        Assert.Equal(0, await Db.HeldDriftCountAsync());
    }

    [Fact]
    public async Task A_capture_whose_hold_another_capture_of_the_same_terms_takes_while_it_waits_is_refused_as_not_pending()
    {
        // Another request (its own key) captures the hold with the very same terms and commits while this capture waits: under
        // the lock this one finds the capture's entries, whose fingerprint matches, but the hold was closed under the other's
        // key, so they are not this request's answer.
        var fingerprint = Core.Domain.RequestFingerprint.Compute(Core.Domain.LedgerOperation.Capture, 1, 2, 40, "", null);
        var (capture, holdId) = await CaptureWaitingOnAsync("SELECT o_kind FROM ledger_capture(@hold, 40, 2, NULL, "
            + "'hold_' || @hold || '_capture', 'hold_' || @hold || '_capture_credit', '" + fingerprint + "', 'the-other-request', false, "
            + "(SELECT created_at FROM ledger_holds WHERE id = @hold))");

        var refused = await Assert.ThrowsAsync<HoldNotPendingException>(() => capture);

        Assert.Equal(1, holdId);
        Assert.Equal((holdId, HoldStatus.Captured), (refused.HoldId, refused.Status));
        Assert.Equal("the-other-request", await Db.ScalarTextAsync($"SELECT closed_key FROM ledger_holds WHERE id = {holdId}"));
        Assert.Equal(3, await Db.EntryCountAsync());
        Assert.Equal((960L, 40L), (await Ledger.GetBalanceAsync(1), await Ledger.GetBalanceAsync(2)));
        Assert.Equal(0, await Db.HeldDriftCountAsync());
    }

    [Fact]
    public async Task A_capture_whose_hold_expires_while_it_waits_for_the_wallet_is_refused_as_expired()
    {
        var (capture, holdId) = await CaptureWaitingOnAsync(
            "UPDATE ledger_holds SET expires_at = expires_at - interval '1 day' WHERE id = @hold");

        var refused = await Assert.ThrowsAsync<HoldExpiredException>(() => capture);

        Assert.Equal(holdId, refused.HoldId);
        await AssertNothingCapturedAsync(holdId, HoldStatus.Pending);
    }

    [Fact]
    public async Task A_hold_whose_key_another_owner_s_hold_takes_while_it_inserts_runs_again_and_conflicts()
    {
        // Another transaction places a hold on owner 2 under the key and has not committed: this hold on owner 1 sees no
        // key (before and under its own wallet's lock), and its insert waits on the key's index. When the other commits, the
        // insert loses the race; the one rerun finds the key and answers a conflict (other terms), writing nothing.
        await Ledger.CreditAsync(1, 1_000, "seed");
        await Ledger.CreditAsync(2, 1_000, "seed");
        var now = Db.Time.GetUtcNow().UtcDateTime;
        await using var other = new NpgsqlConnection(Db.ConnectionString);
        await other.OpenAsync();
        await using var placing = await other.BeginTransactionAsync();
        await using (var place = new NpgsqlCommand(
            "SELECT o_kind FROM ledger_hold(2, 50, 'other', NULL, 'shared-key', repeat('f', 64), @expires, @now)", other, placing))
        {
            place.Parameters.AddWithValue("expires", now.AddMinutes(10));
            place.Parameters.AddWithValue("now", now);
            Assert.Equal('H', await place.ExecuteScalarAsync());
        }

        var hold = Task.Run(() => Ledger.HoldAsync(1, 100, "checkout", "shared-key"));
        Assert.Equal(1, await WaitingAsync("ledger_hold"));
        await placing.CommitAsync();

        await Assert.ThrowsAsync<IdempotencyConflictException>(() => hold);
        Assert.Equal(1, await Db.ScalarAsync("SELECT COUNT(*) FROM ledger_holds"));
        Assert.Equal(50, await Db.ScalarAsync("SELECT held FROM wallets WHERE owner_id = 2"));
        Assert.Equal(0, await Db.ScalarAsync("SELECT held FROM wallets WHERE owner_id = 1"));
    }

    [Fact]
    public async Task A_capture_to_a_payee_whose_wallet_another_transaction_is_creating_waits_and_pays_into_that_wallet()
    {
        // The capture's statement creates the payee's wallet; another transaction has inserted it and not committed, so the
        // insert waits. When it commits, the statement declines (nothing written) and the general path captures.
        await Ledger.CreditAsync(1, 1_000, "seed");
        var hold = await Ledger.HoldAsync(1, 100, "checkout", "payee-race");
        await using var other = new NpgsqlConnection(Db.ConnectionString);
        await other.OpenAsync();
        await using var creating = await other.BeginTransactionAsync();
        await using (var insert = new NpgsqlCommand("INSERT INTO wallets (owner_id, cached_balance, allow_overdraft, created_at, "
            + "updated_at) VALUES (2, 0, FALSE, now(), now())", other, creating))
        {
            await insert.ExecuteNonQueryAsync();
        }

        var capture = Task.Run(() => Ledger.CaptureAsync(hold.HoldId, 40, toOwnerId: 2));
        Assert.Equal(1, await WaitingAsync("ledger_capture"));
        await creating.CommitAsync();

        var captured = await capture;
        Assert.Equal((40L, 60L, 960L), (captured.Captured, captured.Released, captured.BalanceAfter));
        Assert.Equal(40, await Ledger.GetBalanceAsync(2));
        Assert.Equal(2, await Db.WalletCountAsync());
        Assert.Equal((long)HoldStatus.Captured, await Db.ScalarAsync($"SELECT status FROM ledger_holds WHERE id = {hold.HoldId}"));
        Assert.Equal(0, await Db.HeldDriftCountAsync());
        Assert.Equal(0, await Db.DriftedWalletCountAsync());
    }

    /// <summary>How many of the ledger's statements calling <paramref name="function"/> wait on a lock.</summary>
    private Task<long> WaitingAsync(string function) => Db.LockWaitersAsync($"query LIKE 'SELECT o_kind%FROM {function}(%'", 1);

    /// <summary>A capture of a new hold of 100 (of 1,000 coins), started while another transaction holds the wallet's lock;
    /// once the capture waits on it, that transaction runs <paramref name="meanwhile"/> and commits.</summary>
    private async Task<(Task<CaptureResult> Capture, long HoldId)> CaptureWaitingOnAsync(string meanwhile)
    {
        await Ledger.CreditAsync(1, 1_000, "seed");
        var hold = await Ledger.HoldAsync(1, 100, "checkout", "race-hold");
        await using var other = new NpgsqlConnection(Db.ConnectionString);
        await other.OpenAsync();
        await using var locking = await other.BeginTransactionAsync();
        await using (var lockWallet = new NpgsqlCommand("SELECT id FROM wallets WHERE owner_id = 1 FOR UPDATE", other, locking))
        {
            await lockWallet.ExecuteScalarAsync();
        }

        var capture = Task.Run(() => Ledger.CaptureAsync(hold.HoldId, 40, toOwnerId: 2));
        Assert.Equal(1, await WaitingAsync("ledger_capture"));
        await using (var command = new NpgsqlCommand(meanwhile, other, locking))
        {
            command.Parameters.AddWithValue("hold", hold.HoldId);
            await command.ExecuteNonQueryAsync();
        }

        await locking.CommitAsync();
        return (capture, hold.HoldId);
    }

    private async Task AssertNothingCapturedAsync(long holdId, HoldStatus status)
    {
        Assert.Equal(1, await Db.EntryCountAsync());
        Assert.Equal(1, await Db.WalletCountAsync());
        Assert.Equal(1_000, await Ledger.GetBalanceAsync(1));
        Assert.Equal((long)status, await Db.ScalarAsync($"SELECT status FROM ledger_holds WHERE id = {holdId}"));
        Assert.Equal(0, await Db.ScalarAsync($"SELECT COUNT(*) FROM ledger_holds WHERE captured <> 0 OR capture_entry_id IS NOT NULL"));
    }
}
