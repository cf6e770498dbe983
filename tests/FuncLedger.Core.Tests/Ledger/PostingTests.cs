using CsCheck;
using FuncLedger.Core.Domain;
using FuncLedger.Core.Tests.Infrastructure;
using FuncLedger.TestSupport;

namespace FuncLedger.Core.Tests.Ledger;

/// <summary>Multi-leg postings: legs summing to zero, applied together or not at all, idempotent as one request.</summary>
public abstract class PostingTests(ILedgerDatabase database) : LedgerTestBase(database)
{
    private static (long, long)[] PrizePool(long pool, long firstPlayer, int players, long each) =>
        [(pool, -players * each), .. Enumerable.Range(0, players).Select(i => (firstPlayer + i, each))];

    [Fact]
    public async Task A_prize_pool_paid_to_500_players_is_one_posting_with_a_derived_key_per_leg()
    {
        await Ledger.CreditAsync(1, 6_000, "entry fees");

        var result = await Ledger.PostAsync(PrizePool(1, 1_000, 500, 10), "prize pool", "pool-1");

        Assert.False(result.Replayed);
        Assert.Equal(501, result.Legs.Count);
        Assert.Equal(await Db.ScalarAsync("SELECT id FROM postings WHERE key_stem = 'pool-1' AND legs = 501"), result.PostingId);
        Assert.Equal((1L, -5_000L, 1_000L), (result.Legs[0].OwnerId, result.Legs[0].Amount, result.Legs[0].BalanceAfter));
        Assert.All(result.Legs.Skip(1), l => Assert.Equal((10L, 10L), (l.Amount, l.BalanceAfter)));
        Assert.Equal(1_000, await Ledger.GetBalanceAsync(1));
        Assert.Equal(10, await Ledger.GetBalanceAsync(1_499));
        Assert.Equal(502, await Db.EntryCountAsync());
        Assert.Equal("pool-1_leg_1", (await Ledger.GetHistoryAsync(1))[0].IdempotencyKey);
        Assert.Equal("pool-1_leg_501", (await Ledger.GetHistoryAsync(1_499))[0].IdempotencyKey);
        Assert.Equal(6_000, await Db.SumOfBalancesAsync());
        Assert.Equal(await Db.SumOfEntriesAsync(), await Db.SumOfBalancesAsync());
        Assert.Equal(0, await Db.DriftedWalletCountAsync());
    }

    [Fact]
    public async Task A_replay_returns_the_original_posting_and_writes_nothing_and_a_changed_leg_is_a_conflict()
    {
        await Ledger.CreditAsync(1, 100, "seed");
        (long, long)[] legs = [(1, -60), (2, 40), (3, 20)];
        var first = await Ledger.PostAsync(legs, "split", "split-1");
        var before = await Db.SnapshotAsync();

        var again = await Ledger.PostAsync(legs, "split", "split-1");
        await Assert.ThrowsAsync<IdempotencyConflictException>(() => Ledger.PostAsync([(1, -60), (2, 30), (3, 30)], "split", "split-1"));
        await Assert.ThrowsAsync<IdempotencyConflictException>(() => Ledger.PostAsync(legs, "another reason", "split-1"));

        Assert.True(again.Replayed);
        Assert.Equal(first with { Replayed = true }, again with { Legs = first.Legs });
        Assert.Equal(first.Legs, again.Legs);
        Assert.Equal(before, await Db.SnapshotAsync());
    }

    [Fact]
    public async Task Meta_is_part_of_the_request_a_replay_must_match()
    {
        await Ledger.CreditAsync(1, 100, "seed");
        (long, long)[] legs = [(1, -10), (2, 10)];

        var first = await Ledger.PostAsync(legs, "fee", "meta-1", """{"tournament": 7}""");
        var again = await Ledger.PostAsync(legs, "fee", "meta-1", """{"tournament":7}""");

        Assert.True(again.Replayed);
        Assert.Equal(first.PostingId, again.PostingId);
        await Assert.ThrowsAsync<IdempotencyConflictException>(() => Ledger.PostAsync(legs, "fee", "meta-1", """{"tournament":8}"""));
        await Assert.ThrowsAsync<IdempotencyConflictException>(() => Ledger.PostAsync(legs, "fee", "meta-1"));
    }

    [Fact]
    public async Task A_posting_that_would_overdraw_one_leg_applies_no_leg_creates_no_wallet_and_is_refused_again_on_retry()
    {
        await Ledger.CreditAsync(1, 100, "seed");
        await Ledger.CreditAsync(2, 5, "seed");

        var refused = await Assert.ThrowsAsync<InsufficientFundsException>(() =>
            Ledger.PostAsync([(1, -50), (2, -10), (3, 60)], "fees", "fees-1"));
        await Ledger.CreditAsync(2, 100, "top-up");
        var again = await Assert.ThrowsAsync<InsufficientFundsException>(() =>
            Ledger.PostAsync([(1, -50), (2, -10), (3, 60)], "fees", "fees-1"));

        Assert.Equal((await Db.WalletIdAsync(2), 5L, 10L), (refused.WalletId, refused.Balance, refused.Amount));
        Assert.True(again.Replayed);
        Assert.Equal(0, await Db.ScalarAsync("SELECT COUNT(*) FROM wallets WHERE owner_id = 3"));
        Assert.Equal(100, await Ledger.GetBalanceAsync(1));
        Assert.Equal(105, await Ledger.GetBalanceAsync(2));
        Assert.Equal(3, await Db.EntryCountAsync());
    }

    [Fact]
    public async Task A_debit_leg_on_an_owner_without_a_wallet_is_wallet_not_found_and_changes_nothing()
    {
        await Ledger.CreditAsync(1, 100, "seed");
        var before = await Db.SnapshotAsync();

        var error = await Assert.ThrowsAsync<InvalidWalletException>(() => Ledger.PostAsync([(1, 10), (404, -10)], "r", "missing-1"));

        Assert.Equal(InvalidWalletReason.NotFound, error.Reason);
        Assert.Equal(before, await Db.SnapshotAsync());
    }

    [Fact]
    public void Unbalanced_duplicate_or_out_of_range_legs_are_refused_before_any_database_work()
    {
        var unbalanced = Assert.Throws<UnbalancedPostingException>(() => Legs([(1, -10), (2, 9)]));
        Assert.Equal(("unbalanced_posting", -1L), (unbalanced.Code, unbalanced.Sum));
        Assert.Equal("legs", Assert.Single(Assert.Throws<LedgerValidationException>(() => Legs([(1, -10), (1, 10)])).Errors).Field);
        Assert.Throws<LedgerValidationException>(() => Legs([(1, 5)]));
        Assert.Throws<LedgerValidationException>(() => Legs([.. Enumerable.Range(1, 1_001).Select(i => ((long)i, i == 1 ? -1_000L : 1L))]));
        Assert.Throws<InvalidAmountException>(() => Legs([(1, 0), (2, 0)]));
        Assert.Throws<InvalidAmountException>(() => Legs([(1, long.MinValue), (2, 1)]));
        Assert.Throws<InvalidAmountException>(() => Legs([(1, -LedgerLimits.AmountMax - 1), (2, LedgerLimits.AmountMax + 1)]));
        Assert.Equal(-LedgerLimits.AmountMax, Legs([(1, -LedgerLimits.AmountMax), (2, LedgerLimits.AmountMax)]).Legs[0].Amount);
        Assert.Throws<LedgerValidationException>(() => IdempotencyKey.Parse("order-9_leg_3"));
        Assert.NotNull(IdempotencyKey.Parse("order-9_leg_"));
        Assert.NotNull(IdempotencyKey.Parse("order-9_leg_x"));
    }

    private static PostingCommand Legs((long Owner, long Amount)[] legs) =>
        new([.. legs.Select(l => new PostingLeg(OwnerId.From(l.Owner), l.Amount))], "r", IdempotencyKey.Parse("k-1"));

    [Fact]
    public Task Random_postings_conserve_coins_never_overdraw_and_match_a_model() =>
        Gen.Select(Gen.Int[2, 6], Gen.Long[1, 80], Gen.Int[0, 5]).Array[25].SampleAsync(async steps =>
        {
            var owners = Enumerable.Range(0, 6).Select(i => 50_000L + Interlocked.Increment(ref _run) * 10 + i).ToArray();
            var model = owners.ToDictionary(o => o, _ => 100L);
            foreach (var owner in owners)
            {
                await Ledger.CreditAsync(owner, 100, "seed");
            }

            foreach (var (count, amount, first) in steps)
            {
                // One payer and count - 1 other owners, each paid the amount.
                var payer = owners[first];
                (long Owner, long Delta)[] legs =
                [
                    (payer, -amount * (count - 1)),
                    .. Enumerable.Range(1, count - 1).Select(i => (owners[(first + i) % owners.Length], amount)),
                ];
                try
                {
                    await Ledger.PostAsync(legs, "random");
                    Assert.True(model[payer] + legs[0].Delta >= 0);
                    foreach (var (owner, delta) in legs)
                    {
                        model[owner] += delta;
                    }
                }
                catch (InsufficientFundsException)
                {
                    Assert.True(model[payer] + legs[0].Delta < 0);
                }
            }

            foreach (var owner in owners)
            {
                Assert.Equal(model[owner], await Ledger.GetBalanceAsync(owner));
            }

            Assert.Equal(await Db.SumOfEntriesAsync(), await Db.SumOfBalancesAsync());
            Assert.Equal(0, await Db.DriftedWalletCountAsync());
        }, iter: 4, threads: 1);

    private static long _run;
}

[Collection(SqliteCollection.Name)]
public sealed class PostingSqliteTests(SqliteDatabaseFixture database) : PostingTests(database);

[Collection(PostgresCollection.Name)]
public sealed class PostingPostgresTests(PostgresDatabaseFixture database) : PostingTests(database);

[SqlServerLane, Collection(SqlServerCollection.Name)]
public sealed class PostingSqlServerTests(SqlServerDatabaseFixture database) : PostingTests(database);
