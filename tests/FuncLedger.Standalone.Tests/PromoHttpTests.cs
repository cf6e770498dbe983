using System.Net;

namespace FuncLedger.Standalone.Tests;

/// <summary>Promo codes over HTTP on Standalone (PostgreSQL): an operator's campaign with a vanity code and single-use codes, players
/// redeeming and checking, the refusals as problem documents, and 429 with Retry-After after ten bad guesses.</summary>
[Collection(StandaloneCollection.Name)]
public sealed class PromoHttpTests(StandaloneFixture app) : IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private Task<HttpResponseMessage> OpsAsync(HttpMethod method, string path, string? body = null) =>
        app.SendAsync(method, path, body, StandaloneFixture.MasterKey);

    private Task<HttpResponseMessage> RedeemAsync(long owner, string code, string key) =>
        app.SendAsync(HttpMethod.Post, $"/api/wallets/{owner}/promo-redemptions", $$"""{"code":"{{code}}"}""", idempotencyKey: key);

    private static async Task<(HttpStatusCode, string)> ProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (response.StatusCode, (await StandaloneFixture.JsonAsync(response)).GetProperty("code").GetString()!);
    }

    [Fact]
    public async Task An_operator_runs_a_campaign_and_players_redeem_it_once_each()
    {
        var created = await OpsAsync(HttpMethod.Post, "/api/ops/promo/campaigns",
            """{"name":"Welcome","coins":100,"maxRedemptions":1000,"vanityCode":"welcome10"}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await StandaloneFixture.JsonAsync(created)).GetProperty("campaignId").GetInt64();
        var byPlayerKey = await app.SendAsync(HttpMethod.Post, "/api/ops/promo/campaigns", """{"name":"x","coins":1}""");

        var check = await app.SendAsync(HttpMethod.Get, "/api/wallets/42/promo-redemptions/check?code=Welcome10");
        var first = await RedeemAsync(42, "WELCOME10", "promo-42-1");
        var replay = await RedeemAsync(42, "WELCOME10", "promo-42-1");
        var second = await RedeemAsync(42, "welcome10", "promo-42-2");
        var other = await RedeemAsync(7, "welcome10", "promo-7-1");

        Assert.Equal(HttpStatusCode.Unauthorized, byPlayerKey.StatusCode);
        Assert.Equal(100, (await StandaloneFixture.JsonAsync(check)).GetProperty("coins").GetInt64());
        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created), (first.StatusCode, other.StatusCode));
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(await first.Content.ReadAsStringAsync(), await replay.Content.ReadAsStringAsync());
        Assert.Equal((HttpStatusCode.Conflict, "promo_already_redeemed"), await ProblemAsync(second));
        var history = await StandaloneFixture.JsonAsync(await app.SendAsync(HttpMethod.Get, "/api/wallets/42/transactions?limit=1"));
        var entry = history.GetProperty("items")[0];
        Assert.Equal(("Promo: WELCOME10", "promo", 100L),
            (entry.GetProperty("reason").GetString(), entry.GetProperty("source").GetString(), entry.GetProperty("amount").GetInt64()));

        var codes = await OpsAsync(HttpMethod.Post, $"/api/ops/promo/campaigns/{id}/codes", """{"count":50}""");
        Assert.Equal(HttpStatusCode.Created, codes.StatusCode);
        var code = (await StandaloneFixture.JsonAsync(codes)).GetProperty("codes")[0].GetString()!;
        Assert.Equal(HttpStatusCode.Created, (await RedeemAsync(8, code, "promo-8-1")).StatusCode);
        Assert.Equal((HttpStatusCode.NotFound, "promo_invalid"), await ProblemAsync(await RedeemAsync(9, code, "promo-9-1")));

        var off = await OpsAsync(HttpMethod.Post, $"/api/ops/promo/campaigns/{id}/deactivate");
        Assert.Equal(HttpStatusCode.OK, off.StatusCode);
        Assert.Equal((HttpStatusCode.NotFound, "promo_invalid"), await ProblemAsync(await RedeemAsync(10, "WELCOME10", "promo-10-1")));
        await OpsAsync(HttpMethod.Post, $"/api/ops/promo/campaigns/{id}/activate");
        var stats = await StandaloneFixture.JsonAsync(await OpsAsync(HttpMethod.Get, $"/api/ops/promo/campaigns/{id}"));
        Assert.Equal((3, 50, 300L, true), (stats.GetProperty("redemptions").GetInt32(), stats.GetProperty("codesIssued").GetInt32(),
            stats.GetProperty("coinsGranted").GetInt64(), stats.GetProperty("active").GetBoolean()));
        Assert.Equal((HttpStatusCode.NotFound, "campaign_not_found"), await ProblemAsync(await OpsAsync(HttpMethod.Get, "/api/ops/promo/campaigns/999")));
    }

    [Fact]
    public async Task An_operator_revokes_a_redemption_and_the_budget_line_follows()
    {
        await OpsAsync(HttpMethod.Post, "/api/ops/promo/campaigns", """{"name":"Spring","coins":60,"vanityCode":"SPRING26"}""");
        var redeemed = await StandaloneFixture.JsonAsync(await RedeemAsync(42, "SPRING26", "spring-42"));
        var id = redeemed.GetProperty("redemptionId").GetInt64();
        var path = $"/api/ops/promo-redemptions/{id}/revoke";
        const string body = """{"reason":"chargeback","releaseSlot":true}""";

        var unkeyed = await OpsAsync(HttpMethod.Post, path, body);
        var byPlayerKey = await app.SendAsync(HttpMethod.Post, path, body, idempotencyKey: "revoke-42");
        var revoked = await app.SendAsync(HttpMethod.Post, path, body, StandaloneFixture.MasterKey, "revoke-42");
        var replay = await app.SendAsync(HttpMethod.Post, path, body, StandaloneFixture.MasterKey, "revoke-42");
        var twice = await app.SendAsync(HttpMethod.Post, path, body, StandaloneFixture.MasterKey, "revoke-42-b");
        var missing = await app.SendAsync(HttpMethod.Post, "/api/ops/promo-redemptions/999999/revoke", body, StandaloneFixture.MasterKey,
            "revoke-none");

        Assert.Equal((HttpStatusCode.BadRequest, "validation"), await ProblemAsync(unkeyed));
        Assert.Equal(HttpStatusCode.Unauthorized, byPlayerKey.StatusCode);
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        var json = await StandaloneFixture.JsonAsync(revoked);
        Assert.Equal((60L, 0L, true), (json.GetProperty("coins").GetInt64(), json.GetProperty("balanceAfter").GetInt64(),
            json.GetProperty("slotReleased").GetBoolean()));
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal((HttpStatusCode.Conflict, "redemption_revoked"), await ProblemAsync(twice));
        Assert.Equal((HttpStatusCode.NotFound, "redemption_not_found"), await ProblemAsync(missing));
        var entry = (await StandaloneFixture.JsonAsync(await app.SendAsync(HttpMethod.Get, "/api/wallets/42/transactions?limit=1")))
            .GetProperty("items")[0];
        Assert.Equal(("chargeback", "reversal", -60L),
            (entry.GetProperty("reason").GetString(), entry.GetProperty("source").GetString(), entry.GetProperty("amount").GetInt64()));
        // The slot was given back: the player redeems the campaign again.
        Assert.Equal(HttpStatusCode.Created, (await RedeemAsync(42, "SPRING26", "spring-42-again")).StatusCode);
        var budget = await StandaloneFixture.JsonAsync(await OpsAsync(HttpMethod.Get, "/api/ops/promo/budget"));
        var line = budget.GetProperty("campaigns")[0];
        Assert.Equal((2, 1, 60L, 60L, true), (line.GetProperty("redemptions").GetInt32(), line.GetProperty("revoked").GetInt32(),
            line.GetProperty("coinsRecorded").GetInt64(), line.GetProperty("coinsGranted").GetInt64(), budget.GetProperty("consistent").GetBoolean()));
    }

    [Fact]
    public async Task Ten_bad_guesses_answer_429_with_retry_after_and_the_window_refusals_have_their_codes()
    {
        await OpsAsync(HttpMethod.Post, "/api/ops/promo/campaigns", """{"name":"Later","coins":5,"vanityCode":"LATER","startsAt":"2099-01-01T00:00:00Z"}""");
        await OpsAsync(HttpMethod.Post, "/api/ops/promo/campaigns", """{"name":"Once","coins":5,"vanityCode":"ONCE","maxRedemptions":1}""");
        await RedeemAsync(1, "ONCE", "once-1");

        Assert.Equal((HttpStatusCode.Conflict, "promo_not_started"), await ProblemAsync(await RedeemAsync(2, "LATER", "later-2")));
        Assert.Equal((HttpStatusCode.Conflict, "promo_exhausted"), await ProblemAsync(await RedeemAsync(2, "ONCE", "once-2")));
        for (var i = 0; i < 8; i++)
        {
            Assert.Equal((HttpStatusCode.NotFound, "promo_invalid"), await ProblemAsync(await RedeemAsync(2, $"GUESS-{i}", $"guess-{i}")));
        }

        var limited = await RedeemAsync(2, "ONCE", "guess-9");
        Assert.Equal((HttpStatusCode.TooManyRequests, "too_many_attempts"), await ProblemAsync(limited));
        Assert.InRange(int.Parse(limited.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture), 3500, 3600);
        Assert.Equal(0, await app.ScalarAsync("SELECT COUNT(*) FROM promo_redemptions WHERE owner_id = 2"));
    }
}
