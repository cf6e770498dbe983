using FuncLedger.Core.Commerce;
using FuncLedger.Core.Domain;
using FuncLedger.Core.Tests.Infrastructure;
using FuncLedger.Core.Tests.Shop;
using FuncLedger.TestSupport;

namespace FuncLedger.Core.Tests.Promo;

/// <summary>Revoking a redemption takes its coins back by the reversal rules (and the items the player still holds), gives the
/// slot back only when asked, and keeps every campaign's budget line equal to its entries; items-only campaigns redeem and revoke
/// without an entry under the same rules.</summary>
public abstract class PromoRevocationTests(ILedgerDatabase database) : ShopTestBase(database)
{
    private IPromos Promos => Db.Promos;

    private Task<PromoCampaign> CampaignAsync(string vanity, long coins = 100, int? max = null, int? perPlayer = null,
        IReadOnlyList<PromoItem>? items = null) =>
        Promos.CreateCampaignAsync(CampaignTerms.Create("Spring", coins, items, null, null, max, perPlayer, vanity));

    private Task<RedemptionResult> RedeemAsync(long owner, string code, string key) =>
        Promos.RedeemAsync(new RedeemCommand(OwnerId.From(owner), code, IdempotencyKey.From(key)));

    private Task<RevocationResult> RevokeAsync(long redemptionId, string key, bool releaseSlot = false, string reason = "abuse") =>
        Promos.RevokeAsync(RevokeCommand.Create(redemptionId, reason, releaseSlot, IdempotencyKey.From(key), "ops"));

    private async Task<string> StateAsync() => await ShopSnapshotAsync() + "|"
        + await Db.ScalarAsync("SELECT COUNT(*) FROM promo_redemptions WHERE revoked_at IS NOT NULL") + "|"
        + await Db.ScalarAsync("SELECT COALESCE(SUM(redemptions), 0) FROM promo_campaigns");

    [Fact]
    public async Task A_revocation_takes_the_coins_back_keeps_the_slot_and_a_retry_answers_the_first()
    {
        var campaign = await CampaignAsync("SPRING");
        var redeemed = await RedeemAsync(1, "SPRING", "r-1");

        var revoked = await RevokeAsync(redeemed.RedemptionId, "revoke-1");
        var again = await RevokeAsync(redeemed.RedemptionId, "revoke-1");

        Assert.Equal((100L, 0L, false, "abuse"), (revoked.Coins, revoked.BalanceAfter!.Value, revoked.SlotReleased, revoked.Reason));
        Assert.Equal(revoked with { Replayed = true }, again);
        var history = await Ledger.GetHistoryAsync(1);
        Assert.Equal((-100L, EntrySource.Reversal, revoked.TransactionId!.Value), (history[0].Amount, history[0].Source, history[0].Id));
        // Linked as a reversal of the credit: a transaction reversal cannot take the coins back a second time.
        await Assert.ThrowsAsync<ReversalExceedsOriginalException>(() => Ledger.ReverseAsync(redeemed.TransactionId!.Value, "again"));
        var before = await StateAsync();
        Assert.Equal("redemption_revoked", (await Assert.ThrowsAsync<RedemptionRevokedException>(
            () => RevokeAsync(redeemed.RedemptionId, "revoke-2"))).Code);
        await Assert.ThrowsAsync<IdempotencyConflictException>(() => RevokeAsync(redeemed.RedemptionId, "revoke-1", releaseSlot: true));
        await Assert.ThrowsAsync<IdempotencyConflictException>(() => RedeemAsync(1, "SPRING", "revoke-1"));
        await Assert.ThrowsAsync<RedemptionNotFoundException>(() => RevokeAsync(redeemed.RedemptionId + 1000, "revoke-3"));
        Assert.Equal(before, await StateAsync());
        // The slot was kept: the player cannot redeem the campaign again.
        await Assert.ThrowsAsync<PromoAlreadyRedeemedException>(() => RedeemAsync(1, "SPRING", "r-2"));
        var stats = await Promos.GetCampaignAsync(campaign.CampaignId);
        Assert.Equal((1, 1, 0L), (stats.Redemptions, stats.Revoked, stats.CoinsGranted));
        var budget = await Promos.GetBudgetAsync();
        Assert.Equal([new CampaignBudgetLine(campaign.CampaignId, "Spring", 1, 1, 0, 0)], budget.Campaigns);
        Assert.True(budget.Consistent);
        Assert.Equal(0, await Db.DriftedWalletCountAsync());
    }

    [Fact]
    public async Task A_slot_given_back_lets_the_player_and_the_capped_campaign_redeem_again()
    {
        var campaign = await CampaignAsync("ONCE", max: 1);
        var first = await RedeemAsync(1, "ONCE", "once-1");
        await Assert.ThrowsAsync<PromoExhaustedException>(() => RedeemAsync(2, "ONCE", "once-2"));

        var revoked = await RevokeAsync(first.RedemptionId, "once-revoke", releaseSlot: true);
        var again = await RedeemAsync(1, "ONCE", "once-3");

        Assert.True(revoked.SlotReleased);
        Assert.Equal(100, again.BalanceAfter);
        await Assert.ThrowsAsync<PromoExhaustedException>(() => RedeemAsync(2, "ONCE", "once-4"));
        var stats = await Promos.GetCampaignAsync(campaign.CampaignId);
        Assert.Equal((2, 1, 100L), (stats.Redemptions, stats.Revoked, stats.CoinsGranted));
        Assert.Equal(1, await Db.ScalarAsync($"SELECT redemptions FROM promo_campaigns WHERE id = {campaign.CampaignId}"));
    }

    [Fact]
    public async Task A_revocation_follows_the_reversal_rules_and_a_refused_one_writes_nothing()
    {
        await CampaignAsync("SPEND");
        var spent = await RedeemAsync(1, "SPEND", "spend-1");
        var frozen = await RedeemAsync(2, "SPEND", "spend-2");
        var reversed = await RedeemAsync(3, "SPEND", "spend-3");
        await Ledger.DebitAsync(1, 60, "shop");
        await Db.Admin.SetFrozenAsync(OwnerId.From(2), true, "ops");
        await Ledger.ReverseAsync(reversed.TransactionId!.Value, "operator took it back", amount: 30);
        var before = await StateAsync();

        await Assert.ThrowsAsync<InsufficientFundsException>(() => RevokeAsync(spent.RedemptionId, "k-1"));
        await Assert.ThrowsAsync<WalletFrozenException>(() => RevokeAsync(frozen.RedemptionId, "k-2"));
        await Assert.ThrowsAsync<ReversalExceedsOriginalException>(() => RevokeAsync(reversed.RedemptionId, "k-3"));

        Assert.Equal(before, await StateAsync());
        await Ledger.CreditAsync(1, 60, "top up");
        // The same key answers its first answer, the refusal; a new key revokes.
        Assert.True((await Assert.ThrowsAsync<InsufficientFundsException>(() => RevokeAsync(spent.RedemptionId, "k-1"))).Replayed);
        Assert.Equal(0, (await RevokeAsync(spent.RedemptionId, "k-4")).BalanceAfter);
    }

    [Fact]
    public async Task Two_revocations_racing_on_one_redemption_take_the_coins_back_once()
    {
        await CampaignAsync("RACE");
        var redeemed = await RedeemAsync(1, "RACE", "race-1");
        await Ledger.CreditAsync(1, 1_000, "enough for two");

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            try
            {
                await RevokeAsync(redeemed.RedemptionId, $"race-revoke-{i}");
                return "ok";
            }
            catch (LedgerException e)
            {
                return e.Code;
            }
        })));

        Assert.Equal(1, outcomes.Count(o => o == "ok"));
        Assert.All(outcomes.Where(o => o != "ok"), o => Assert.Equal("redemption_revoked", o));
        Assert.Equal(1_000, await Ledger.GetBalanceAsync(1));
        Assert.Equal(0, await Db.DriftedWalletCountAsync());
    }

    [Fact]
    public async Task An_items_only_campaign_grants_its_items_without_an_entry_and_a_revocation_takes_them_back()
    {
        await ItemAsync("badge", 50, title: "Badge");
        Assert.Throws<LedgerValidationException>(() => CampaignTerms.Create("Nothing", null, null, null, null, null, null, "NONE"));
        var campaign = await CampaignAsync("BADGE", coins: 0, perPlayer: 1, items: [new PromoItem(Sku.From("badge"), 1)]);
        var entries = await Db.EntryCountAsync();

        var redeemed = await RedeemAsync(7, "BADGE", "badge-1");
        var again = await RedeemAsync(7, "BADGE", "badge-1");

        Assert.Equal((0L, (long?)null, 0L), (redeemed.Coins, redeemed.TransactionId, redeemed.BalanceAfter));
        Assert.Equal(redeemed with { Replayed = true, Items = again.Items }, again);
        Assert.Equal(redeemed.Items, again.Items);
        Assert.Equal((1L, entries), (await HeldAsync(7, "badge"), await Db.EntryCountAsync()));
        // The shop's drift check counts what promo codes granted: no drift.
        Assert.True((await Shop.GetRevenueAsync()).Consistent);
        await Assert.ThrowsAsync<PromoAlreadyRedeemedException>(() => RedeemAsync(7, "BADGE", "badge-2"));

        var revoked = await RevokeAsync(redeemed.RedemptionId, "badge-revoke", releaseSlot: true);

        Assert.Equal(((long?)null, (long?)null), (revoked.TransactionId, revoked.BalanceAfter));
        Assert.Equal(revoked with { Replayed = true }, await RevokeAsync(redeemed.RedemptionId, "badge-revoke", releaseSlot: true));
        Assert.Equal(0, await HeldAsync(7, "badge"));
        Assert.True((await Shop.GetRevenueAsync()).Consistent);
        Assert.Equal(1, (await RedeemAsync(7, "BADGE", "badge-3")).Items[0].Quantity);
        var stats = await Promos.GetCampaignAsync(campaign.CampaignId);
        Assert.Equal((2, 1, 0L), (stats.Redemptions, stats.Revoked, stats.CoinsGranted));
        Assert.Equal(entries, await Db.EntryCountAsync());
        Assert.True((await Shop.GetRevenueAsync()).Consistent);
    }

    [Fact]
    public async Task A_revocation_after_the_player_used_a_granted_unit_takes_back_the_rest_and_the_drift_check_stays_clean()
    {
        await ItemAsync("boost", 50, title: "Boost");
        await CampaignAsync("BOOST", coins: 0, perPlayer: 1, items: [new PromoItem(Sku.From("boost"), 3)]);
        var redeemed = await RedeemAsync(7, "BOOST", "boost-1");
        await Shop.ConsumeAsync(ConsumeCommand.Create(OwnerId.From(7), Sku.From("boost"), 2, IdempotencyKey.From("boost-use")));

        await RevokeAsync(redeemed.RedemptionId, "boost-revoke", releaseSlot: false);

        Assert.Equal(0, await HeldAsync(7, "boost"));
        Assert.Equal(1, await Db.ScalarAsync("SELECT COALESCE(SUM(taken), 0) FROM promo_grants"));
        Assert.True((await Shop.GetRevenueAsync()).Consistent);
    }

    [Fact]
    public async Task Items_only_redemptions_racing_under_one_key_grant_once_and_each_answers_the_first()
    {
        await ItemAsync("badge", 50, title: "Badge");
        await CampaignAsync("BADGE", coins: 0, perPlayer: 1, items: [new PromoItem(Sku.From("badge"), 1)]);

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => RedeemAsync(7, "BADGE", "same-key"))));

        Assert.Single(answers.Select(a => a.RedemptionId).Distinct());
        Assert.Equal(7, answers.Count(a => a.Replayed));
        Assert.Equal((1L, 1L), (await HeldAsync(7, "badge"), await Db.ScalarAsync("SELECT COUNT(*) FROM promo_redemptions")));
    }

    [Fact]
    public async Task The_budget_reports_each_campaign_and_finds_a_redemption_that_disagrees_with_its_entry()
    {
        var spring = await CampaignAsync("SPRING2", coins: 25);
        var summer = await CampaignAsync("SUMMER", coins: 40);
        await RedeemAsync(1, "SPRING2", "b-1");
        await RedeemAsync(2, "SPRING2", "b-2");
        var tampered = await RedeemAsync(3, "SUMMER", "b-3");

        var clean = await Promos.GetBudgetAsync();
        await Db.ExecuteAsync($"UPDATE promo_redemptions SET coins = 41 WHERE id = {tampered.RedemptionId}");
        var drifted = await Promos.GetBudgetAsync();

        Assert.Equal(
            [new CampaignBudgetLine(spring.CampaignId, "Spring", 2, 0, 50, 50), new CampaignBudgetLine(summer.CampaignId, "Spring", 1, 0, 40, 40)],
            clean.Campaigns);
        Assert.Equal((90L, true), (clean.CoinsGranted, clean.Consistent));
        Assert.Equal((41L, 40L, false), (drifted.Campaigns[1].CoinsRecorded, drifted.Campaigns[1].CoinsGranted, drifted.Consistent));
    }
}

[Collection(SqliteCollection.Name)]
public sealed class PromoRevocationSqliteTests(SqliteDatabaseFixture database) : PromoRevocationTests(database);

[Collection(PostgresCollection.Name)]
public sealed class PromoRevocationPostgresTests(PostgresDatabaseFixture database) : PromoRevocationTests(database);

[SqlServerLane, Collection(SqlServerCollection.Name)]
public sealed class PromoRevocationSqlServerTests(SqlServerDatabaseFixture database) : PromoRevocationTests(database);
