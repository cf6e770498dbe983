using CsCheck;
using FuncLedger.Core.Commerce;
using FuncLedger.Core.Domain;
using FuncLedger.Core.Tests.Infrastructure;
using FuncLedger.Core.Tests.Shop;
using FuncLedger.TestSupport;

namespace FuncLedger.Core.Tests.Promo;

/// <summary>
/// The model-based property test of promo codes (CsCheck): random redeems and checks by three owners of a capped vanity code, a
/// vanity code whose window opens and closes as time moves, single-use codes and bad guesses; retries of earlier keys; a campaign
/// switched off and on; the clock moved. A plain model of balances, redemptions per player and campaign, used codes, keys and
/// failed attempts says what every request must answer (a replay, a conflict, too many attempts, invalid, not started, expired,
/// already redeemed, exhausted, or the credit); after every step the balances equal the model's, and at the end every campaign's
/// counts and coins. On failure CsCheck prints the seed ("Set seed: ..."); set it in CsCheck_Seed to replay the case.
/// </summary>
public abstract class PromoModelPropertyTests(ILedgerDatabase database) : ShopTestBase(database)
{
    private const int Owners = 3;
    private int _run;

    private IPromos Promos => Db.Promos;

    private sealed record ModelCampaign(long Id, long Coins, int? Max, int PerPlayer, DateTimeOffset? Starts, DateTimeOffset? Ends)
    {
        public bool Active { get; set; } = true;

        public Dictionary<long, int> ByPlayer { get; } = [];

        public int Count => ByPlayer.Values.Sum();
    }

    private sealed class Model
    {
        public Dictionary<long, long> Balances { get; } = [];

        /// <summary>The code as typed (its campaign) for vanity codes; the generated codes and whether each is used.</summary>
        public Dictionary<string, ModelCampaign> Vanity { get; } = [];

        public Dictionary<string, (ModelCampaign Campaign, bool Used)> Single { get; } = [];

        public Dictionary<string, (long Owner, string Code, long Coins)> Keys { get; } = [];

        public Dictionary<long, List<DateTimeOffset>> Failed { get; } = [];

        /// <summary>What the code answers for the owner now: the refusal's type, or the campaign that grants it.</summary>
        public (Type? Refusal, ModelCampaign? Campaign) Answer(long owner, string code, DateTimeOffset now)
        {
            if (Failed.GetValueOrDefault(owner, []).Count(t => t > now.AddMinutes(-PromoLimits.AttemptWindowMinutes)) >= 10)
            {
                return (typeof(TooManyAttemptsException), null);
            }

            var campaign = Vanity.TryGetValue(code, out var v) && v.Active ? v
                : Single.TryGetValue(code, out var s) && !s.Used && s.Campaign.Active ? s.Campaign
                : null;
            return campaign is null ? (typeof(PromoInvalidException), null)
                : campaign.Starts > now ? (typeof(PromoNotStartedException), null)
                : campaign.Ends <= now ? (typeof(PromoExpiredException), null)
                : campaign.ByPlayer.GetValueOrDefault(owner) >= campaign.PerPlayer ? (typeof(PromoAlreadyRedeemedException), null)
                : campaign.Max is { } max && campaign.Count >= max ? (typeof(PromoExhaustedException), null)
                : (null, campaign);
        }
    }

    private static readonly Gen<(int Op, int Owner, int Code)[]> Steps =
        Gen.Select(Gen.Int[0, 9], Gen.Int[0, Owners - 1], Gen.Int[0, 9]).Array[40];

    [Fact]
    public Task Redeems_and_checks_answer_as_the_model_says_and_credit_exactly_what_it_credits() =>
        Steps.SampleAsync(async steps =>
        {
            var run = Interlocked.Increment(ref _run);
            var model = new Model();
            var now = Db.Time.GetUtcNow();
            var capped = await Campaign(model, $"CAP{run}", 10, 4, 2, null, null);
            var timed = await Campaign(model, $"TIMED{run}", 20, null, 1, now.AddMinutes(30), now.AddMinutes(90));
            var single = await Campaign(model, null, 30, null, 2, null, null);
            foreach (var code in (await Promos.GenerateCodesAsync(single.Id, 5)).Codes)
            {
                model.Single[code] = (single, false);
            }

            string[] codes = [$"CAP{run}", $"TIMED{run}", .. model.Single.Keys, $"NOPE-{run}", $"cap{run}"];
            for (var i = 0; i < steps.Length; i++)
            {
                var (op, o, c) = steps[i];
                var owner = (run * 10) + o + 1;
                model.Balances.TryAdd(owner, 0);
                await StepAsync(model, op, owner, codes[c % codes.Length], capped, $"p{run}-{i}");
                foreach (var (who, balance) in model.Balances)
                {
                    Assert.Equal(balance, await Ledger.GetBalanceAsync(who));
                }
            }

            foreach (var campaign in new[] { capped, timed, single })
            {
                var stats = await Promos.GetCampaignAsync(campaign.Id);
                Assert.Equal((campaign.Count, campaign.Count * campaign.Coins), (stats.Redemptions, stats.CoinsGranted));
            }

            Assert.Equal(0, await Db.DriftedWalletCountAsync());
        }, iter: 4, threads: 1);

    private async Task<ModelCampaign> Campaign(Model model, string? vanity, long coins, int? max, int perPlayer, DateTimeOffset? starts,
        DateTimeOffset? ends)
    {
        var created = await Promos.CreateCampaignAsync(CampaignTerms.Create("Model", coins, null, starts, ends, max, perPlayer, vanity));
        var campaign = new ModelCampaign(created.CampaignId, coins, max, perPlayer, starts, ends);
        if (vanity is not null)
        {
            model.Vanity[vanity] = campaign;
        }

        return campaign;
    }

    private async Task StepAsync(Model model, int op, long owner, string code, ModelCampaign capped, string key)
    {
        switch (op)
        {
            case 7:
                capped.Active = !capped.Active;
                await Promos.SetCampaignActiveAsync(capped.Id, capped.Active);
                return;
            case 8:
                Db.Time.Shift(TimeSpan.FromMinutes(20));
                return;
            case 9 when model.Keys.Count > 0:
            {
                // A retry of an earlier redemption under its key: its first answer, whatever changed since.
                var (k, first) = model.Keys.ElementAt((int)(owner % model.Keys.Count));
                var again = await Promos.RedeemAsync(new RedeemCommand(OwnerId.From(first.Owner), first.Code, IdempotencyKey.From(k)));
                Assert.Equal((true, first.Coins), (again.Replayed, again.Coins));
                await Assert.ThrowsAsync<IdempotencyConflictException>(() =>
                    Promos.RedeemAsync(new RedeemCommand(OwnerId.From(first.Owner), code + "X", IdempotencyKey.From(k))));
                return;
            }
        }

        var now = Db.Time.GetUtcNow();
        var (refusal, campaign) = model.Answer(owner, code.ToUpperInvariant(), now);
        var check = op == 6;
        try
        {
            if (check)
            {
                var answer = await Promos.CheckAsync(OwnerId.From(owner), code);
                Assert.Null(refusal);
                Assert.Equal(campaign!.Id, answer.CampaignId);
            }
            else
            {
                var redeemed = await Promos.RedeemAsync(new RedeemCommand(OwnerId.From(owner), code, IdempotencyKey.From(key)));
                Assert.Null(refusal);
                Assert.Equal((campaign!.Id, campaign.Coins), (redeemed.CampaignId, redeemed.Coins));
                model.Balances[owner] += campaign.Coins;
                campaign.ByPlayer[owner] = campaign.ByPlayer.GetValueOrDefault(owner) + 1;
                model.Keys[key] = (owner, code, campaign.Coins);
                if (model.Single.TryGetValue(code.ToUpperInvariant(), out var s))
                {
                    model.Single[code.ToUpperInvariant()] = (s.Campaign, true);
                }
            }
        }
        catch (LedgerException e) when (refusal is not null)
        {
            Assert.Equal(refusal, e.GetType());
            if (refusal != typeof(TooManyAttemptsException))
            {
                model.Failed.TryAdd(owner, []);
                model.Failed[owner].Add(now);
            }
        }
    }
}

[Collection(SqliteCollection.Name)]
public sealed class PromoModelPropertySqliteTests(SqliteDatabaseFixture database) : PromoModelPropertyTests(database);

[Collection(PostgresCollection.Name)]
public sealed class PromoModelPropertyPostgresTests(PostgresDatabaseFixture database) : PromoModelPropertyTests(database);
