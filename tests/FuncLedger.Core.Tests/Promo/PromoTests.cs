using FuncLedger.Core.Commerce;
using FuncLedger.Core.Domain;
using FuncLedger.Core.Tests.Infrastructure;
using FuncLedger.Core.Tests.Shop;
using FuncLedger.TestSupport;

namespace FuncLedger.Core.Tests.Promo;

/// <summary>Promo codes: campaigns with a vanity code or single-use codes, redemptions that credit and grant in one transaction,
/// every refusal writing nothing but a failed attempt, and the caps holding under races.</summary>
public abstract class PromoTests(ILedgerDatabase database) : ShopTestBase(database)
{
    protected IPromos Promos => Db.Promos;

    private Task<PromoCampaign> CampaignAsync(string? vanity = "WELCOME10", long coins = 100, int? max = null, int? perPlayer = null,
        DateTimeOffset? startsAt = null, DateTimeOffset? endsAt = null, IReadOnlyList<PromoItem>? items = null) =>
        Promos.CreateCampaignAsync(CampaignTerms.Create("Welcome", coins, items, startsAt, endsAt, max, perPlayer, vanity));

    private Task<RedemptionResult> RedeemAsync(long owner, string code, string key) =>
        Promos.RedeemAsync(new RedeemCommand(OwnerId.From(owner), code, IdempotencyKey.From(key)));

    private Task<long> AttemptsAsync(long owner) => Db.ScalarAsync($"SELECT COUNT(*) FROM promo_attempts WHERE owner_id = {owner}");

    [Fact]
    public async Task A_vanity_code_credits_each_player_once_and_a_retry_answers_the_first()
    {
        var campaign = await CampaignAsync(vanity: "welcome10");
        var first = await RedeemAsync(1, "Welcome10", "redeem-1");
        var again = await RedeemAsync(1, "WELCOME10", "redeem-1");
        var second = await RedeemAsync(2, "welcome10 ", "redeem-2");
        var before = await ShopSnapshotAsync();

        var refused = await Assert.ThrowsAsync<PromoAlreadyRedeemedException>(() => RedeemAsync(1, "WELCOME10", "redeem-3"));

        Assert.Equal("WELCOME10", campaign.VanityCode);
        Assert.Equal((100L, 100L, false), (first.Coins, first.BalanceAfter, first.Replayed));
        Assert.Equal(first with { Replayed = true }, again);
        Assert.Equal(campaign.CampaignId, second.CampaignId);
        Assert.Equal(("promo_already_redeemed", before), (refused.Code, await ShopSnapshotAsync()));
        Assert.Equal((1L, 0L), (await AttemptsAsync(1), await AttemptsAsync(2)));
        var history = await Ledger.GetHistoryAsync(1);
        Assert.Equal(("Promo: WELCOME10", EntrySource.Promo), (history[0].Reason, history[0].Source));
        var stats = await Promos.GetCampaignAsync(campaign.CampaignId);
        Assert.Equal((2, 200L), (stats.Redemptions, stats.CoinsGranted));
        await Assert.ThrowsAsync<IdempotencyConflictException>(() => RedeemAsync(2, "WELCOME10", "redeem-1"));
        Assert.Equal(0, await Db.DriftedWalletCountAsync());
    }

    [Fact]
    public async Task A_promo_entry_names_its_campaign_in_full_even_at_the_longest_name()
    {
        var name = new string('n', PromoLimits.NameLengthMax);
        var campaign = await Promos.CreateCampaignAsync(CampaignTerms.Create(name, 5, null, null, null, null, null, null));
        var code = (await Promos.GenerateCodesAsync(campaign.CampaignId, 1)).Codes[0];

        await RedeemAsync(1, code, "long-name");

        Assert.Equal("Promo: " + name, (await Ledger.GetHistoryAsync(1))[0].Reason);
    }

    [Fact]
    public async Task Single_use_codes_are_shown_once_kept_as_hashes_and_redeemed_once()
    {
        var campaign = await CampaignAsync(vanity: null, coins: 25);
        var generated = await Promos.GenerateCodesAsync(campaign.CampaignId, 50);

        Assert.Equal(50, generated.Codes.Distinct().Count());
        Assert.All(generated.Codes, c => Assert.Matches("^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$", c));
        var code = generated.Codes[7];
        Assert.Equal(0, await Db.ScalarAsync($"SELECT COUNT(*) FROM promo_codes WHERE code_hash = '{code}'"));
        Assert.Equal(1, await Db.ScalarAsync($"SELECT COUNT(*) FROM promo_codes WHERE code_hash = '{PromoCodes.Hash(code)}'"));

        var redeemed = await RedeemAsync(1, code.Replace("-", "", StringComparison.Ordinal).ToLowerInvariant(), "code-1");
        Assert.Equal(25, redeemed.BalanceAfter);
        await Assert.ThrowsAsync<PromoInvalidException>(() => RedeemAsync(2, code, "code-2"));
        await Assert.ThrowsAsync<PromoInvalidException>(() => RedeemAsync(2, "ZZZZ-ZZZZ-ZZZZ", "code-3"));
        Assert.Equal(25, (await RedeemAsync(2, generated.Codes[8], "code-4")).Coins);
        var stats = await Promos.GetCampaignAsync(campaign.CampaignId);
        Assert.Equal((50, 2, 50L), (stats.CodesIssued, stats.Redemptions, stats.CoinsGranted));
        Assert.Equal("Promo: Welcome", (await Ledger.GetHistoryAsync(2))[0].Reason);
        await Assert.ThrowsAsync<LedgerValidationException>(() => Promos.GenerateCodesAsync(campaign.CampaignId, 0));
        await Assert.ThrowsAsync<CampaignNotFoundException>(() => Promos.GenerateCodesAsync(999, 1));
    }

    [Fact]
    public async Task Window_switch_and_total_cap_refuse_with_their_codes_and_write_nothing()
    {
        var now = Db.Time.GetUtcNow();
        await CampaignAsync(vanity: "LATER", startsAt: now.AddHours(1));
        await CampaignAsync(vanity: "OVER", endsAt: now.AddSeconds(-1), startsAt: now.AddHours(-1));
        var capped = await CampaignAsync(vanity: "TWO-ONLY", max: 2);
        var off = await CampaignAsync(vanity: "SWITCHED");
        await Promos.SetCampaignActiveAsync(off.CampaignId, false);
        await RedeemAsync(1, "TWO-ONLY", "k-1");
        await RedeemAsync(2, "TWO-ONLY", "k-2");
        var before = await ShopSnapshotAsync();

        Assert.Equal("promo_not_started", (await Assert.ThrowsAsync<PromoNotStartedException>(() => RedeemAsync(3, "later", "k-3"))).Code);
        Assert.Equal("promo_expired", (await Assert.ThrowsAsync<PromoExpiredException>(() => RedeemAsync(3, "OVER", "k-4"))).Code);
        Assert.Equal("promo_exhausted", (await Assert.ThrowsAsync<PromoExhaustedException>(() => RedeemAsync(3, "TWO-ONLY", "k-5"))).Code);
        Assert.Equal("promo_invalid", (await Assert.ThrowsAsync<PromoInvalidException>(() => RedeemAsync(3, "SWITCHED", "k-6"))).Code);
        await Assert.ThrowsAsync<PromoExhaustedException>(() => Promos.CheckAsync(OwnerId.From(3), "TWO-ONLY"));

        Assert.Equal(before, await ShopSnapshotAsync());
        Assert.Equal(5, await AttemptsAsync(3));
        // Switched back on, the code works again; a second active campaign cannot take it meanwhile.
        await Assert.ThrowsAsync<VanityCodeTakenException>(() => CampaignAsync(vanity: "two-only"));
        await Promos.SetCampaignActiveAsync(off.CampaignId, true);
        Assert.Equal(100, (await Promos.CheckAsync(OwnerId.From(3), "switched")).Coins);
        Assert.Equal(100, (await RedeemAsync(3, "SWITCHED", "k-7")).BalanceAfter);
        Assert.Equal(2, (await Promos.GetCampaignAsync(capped.CampaignId)).Redemptions);
    }

    [Fact]
    public async Task Ten_failed_attempts_in_the_hour_answer_too_many_attempts_until_the_window_moves()
    {
        await CampaignAsync(vanity: "REAL");
        for (var i = 0; i < 10; i++)
        {
            await Assert.ThrowsAsync<PromoInvalidException>(() => RedeemAsync(1, $"GUESS-{i}", $"guess-{i}"));
        }

        var limited = await Assert.ThrowsAsync<TooManyAttemptsException>(() => RedeemAsync(1, "REAL", "guess-real"));
        await Assert.ThrowsAsync<TooManyAttemptsException>(() => Promos.CheckAsync(OwnerId.From(1), "REAL"));
        Assert.Equal(100, (await RedeemAsync(2, "REAL", "other-player")).Coins);

        Assert.Equal("too_many_attempts", limited.Code);
        Assert.InRange(limited.RetryAfter, TimeSpan.FromMinutes(59), TimeSpan.FromMinutes(60));
        Db.Time.Shift(TimeSpan.FromMinutes(61));
        Assert.Equal(100, (await RedeemAsync(1, "REAL", "guess-real")).Coins);
    }

    [Fact]
    public async Task A_campaign_grants_its_items_with_its_coins()
    {
        await ItemAsync("frame", 100, title: "Frame");
        await CampaignAsync(items: [new PromoItem(Sku.From("frame"), 2)]);

        var redeemed = await RedeemAsync(1, "WELCOME10", "items-1");

        Assert.Equal([new PromoItemGrant("frame", 2)], redeemed.Items);
        Assert.Equal(2, await HeldAsync(1, "frame"));
        Assert.True((await Shop.GetRevenueAsync()).Consistent);
        await Assert.ThrowsAsync<ItemNotFoundException>(() => CampaignAsync(vanity: "NOPE", items: [new PromoItem(Sku.From("nope"), 1)]));
        Assert.Throws<LedgerValidationException>(() => CampaignTerms.Create("", 0, null, null, null, 0, 0, "x"));
    }

    [Fact]
    public async Task One_player_racing_one_code_with_different_keys_redeems_it_once()
    {
        await CampaignAsync(perPlayer: 1);
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(async () =>
        {
            try
            {
                await RedeemAsync(1, "WELCOME10", $"race-{i}");
                return "ok";
            }
            catch (LedgerException e)
            {
                return e.Code;
            }
        })));

        // Each refusal is a failed attempt too: past ten, the owner is told to wait instead.
        Assert.Equal(1, outcomes.Count(o => o == "ok"));
        Assert.All(outcomes.Where(o => o != "ok"), o => Assert.Contains(o, new[] { "promo_already_redeemed", "too_many_attempts" }));
        Assert.Equal(100, await Ledger.GetBalanceAsync(1));
        Assert.Equal(1, await Db.ScalarAsync("SELECT COUNT(*) FROM promo_redemptions"));
    }

    [Fact]
    public async Task Three_hundred_players_on_two_instances_racing_a_cap_of_one_hundred_redeem_exactly_one_hundred()
    {
        var campaign = await CampaignAsync(max: 100);
        await using var second = new LedgerHarness(Db.Provider, Db.ConnectionString);
        var outcomes = await Task.WhenAll(Enumerable.Range(1, 300).Select(owner => Task.Run(async () =>
        {
            var promos = owner % 2 == 0 ? Promos : second.Promos;
            try
            {
                await promos.RedeemAsync(new RedeemCommand(OwnerId.From(owner), "WELCOME10", IdempotencyKey.From($"cap-{owner}")));
                return "ok";
            }
            catch (LedgerException e)
            {
                return e.Code;
            }
        })));

        Assert.Equal(100, outcomes.Count(o => o == "ok"));
        Assert.All(outcomes.Where(o => o != "ok"), o => Assert.Equal("promo_exhausted", o));
        var stats = await Promos.GetCampaignAsync(campaign.CampaignId);
        Assert.Equal((100, 10_000L), (stats.Redemptions, stats.CoinsGranted));
        Assert.Equal(10_000, await Db.SumOfEntriesAsync());
        Assert.Equal(0, await Db.DriftedWalletCountAsync());
    }
}

[Collection(SqliteCollection.Name)]
public sealed class PromoSqliteTests(SqliteDatabaseFixture database) : PromoTests(database);

[Collection(PostgresCollection.Name)]
public sealed class PromoPostgresTests(PostgresDatabaseFixture database) : PromoTests(database);

[SqlServerLane, Collection(SqlServerCollection.Name)]
public sealed class PromoSqlServerTests(SqlServerDatabaseFixture database) : PromoTests(database);
