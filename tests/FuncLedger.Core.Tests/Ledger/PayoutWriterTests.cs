using FuncLedger.Core.Domain;
using FuncLedger.Core.Payouts;
using FuncLedger.Core.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace FuncLedger.Core.Tests.Ledger;

/// <summary>The payout writer as a hosted service: it pays while the host runs, waits are bounded and cancellable, and a
/// stopped writer refuses awards instead of losing them silently.</summary>
[Collection(SqliteCollection.Name)]
public sealed class PayoutWriterTests(SqliteDatabaseFixture database) : LedgerTestBase(database)
{
    private static Award Participation(long registrationId, long ownerId, long amount) =>
        new(registrationId, null, OwnerId.From(ownerId), Coins.From(amount));

    [Fact]
    public async Task Awards_handed_over_before_the_writer_starts_are_paid_when_it_starts_and_a_stopped_writer_refuses_awards()
    {
        using var writer = new PayoutWriter(Ledger, NullLogger<PayoutWriter>.Instance);
        var early = writer.PayAsync(Participation(1, 5, 40), CancellationToken.None);
        Assert.False(early.IsCompleted);

        await writer.StartAsync(CancellationToken.None);
        var paid = await early;
        await writer.StopAsync(CancellationToken.None);

        Assert.Equal("participation_award_reg_1", paid.IdempotencyKey);
        Assert.Equal(40, await Ledger.GetBalanceAsync(OwnerId.From(5)));
        await Assert.ThrowsAsync<InvalidOperationException>(() => writer.PayAsync(Participation(2, 5, 1), CancellationToken.None));
        Assert.Equal(40, await Ledger.GetBalanceAsync(OwnerId.From(5)));
        Assert.Equal(1, writer.Batches);
    }

    [Fact]
    public async Task A_bad_award_in_a_batch_is_found_by_halving_and_the_others_are_paid_once()
    {
        await Ledger.AwardAsync([new Award(500, 1, OwnerId.From(9), Coins.From(70))]);
        using var writer = new PayoutWriter(Ledger, NullLogger<PayoutWriter>.Instance);
        // Handed over before the writer starts, so the first batch holds all of them: 30 good awards, a second delivery of
        // one of them (deferred to the next batch, where it replays) and one that conflicts with the award paid above.
        var good = Enumerable.Range(1, 30).Select(i => writer.PayAsync(Participation(600 + i, 1 + (i % 3), 10), CancellationToken.None)).ToList();
        var again = writer.PayAsync(Participation(601, 2, 10), CancellationToken.None);
        var conflicting = writer.PayAsync(new Award(500, 1, OwnerId.From(9), Coins.From(99)), CancellationToken.None);

        await writer.StartAsync(CancellationToken.None);
        var paid = await Task.WhenAll(good);
        var replayed = await again;
        await Assert.ThrowsAsync<IdempotencyConflictException>(() => conflicting);
        await writer.StopAsync(CancellationToken.None);

        Assert.All(paid, r => Assert.False(r.Replayed));
        Assert.True(replayed.Replayed);
        Assert.Equal(paid[0].TransactionId, replayed.TransactionId);
        Assert.Equal(31, await Db.EntryCountAsync());
        Assert.Equal(300 + 70, await Db.SumOfBalancesAsync());
        Assert.Equal(0, await Db.DriftedWalletCountAsync());
    }

    [Fact]
    public async Task A_batch_that_fails_on_a_row_the_database_refuses_is_halved_and_the_others_are_paid()
    {
        await Db.ExecuteAsync(Db.Provider == Core.Persistence.LedgerProvider.Sqlite
            ? "CREATE TRIGGER trg_test_refuse BEFORE INSERT ON ledger_entries WHEN NEW.idempotency_key = 'participation_award_reg_777' "
              + "BEGIN SELECT RAISE(ABORT, 'injected fault'); END;"
            : throw new InvalidOperationException("SQLite only"));
        using var writer = new PayoutWriter(Ledger, NullLogger<PayoutWriter>.Instance);
        var good = Enumerable.Range(1, 20).Select(i => writer.PayAsync(Participation(700 + i, 1 + (i % 4), 5), CancellationToken.None)).ToList();
        var refused = writer.PayAsync(Participation(777, 3, 5), CancellationToken.None);

        await writer.StartAsync(CancellationToken.None);
        await Task.WhenAll(good);
        var error = await Assert.ThrowsAnyAsync<Exception>(() => refused);
        await writer.StopAsync(CancellationToken.None);

        Assert.True(LedgerHarness.IsInjectedFault(error), error.GetType().Name);
        Assert.Equal(20, await Db.EntryCountAsync());
        Assert.Equal(100, await Db.SumOfBalancesAsync());
    }

    [Fact]
    public async Task A_full_queue_makes_the_next_caller_wait_and_its_cancellation_ends_the_wait()
    {
        using var writer = new PayoutWriter(Ledger, NullLogger<PayoutWriter>.Instance);
        for (var i = 1; i <= LedgerLimits.PayoutQueueLengthMax; i++)
        {
            _ = writer.PayAsync(Participation(i, 1, 1), CancellationToken.None);
        }

        using var cancel = new CancellationTokenSource();
        var waiting = writer.PayAsync(Participation(LedgerLimits.PayoutQueueLengthMax + 1, 1, 1), cancel.Token);
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Equal(0, await Db.EntryCountAsync());
    }
}
