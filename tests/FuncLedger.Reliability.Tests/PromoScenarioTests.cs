using System.Text.Json;
using Xunit.Abstractions;

namespace FuncLedger.Reliability.Tests;

/// <summary>Promo codes under a crash: a burst of redemptions of a capped and an uncapped vanity code against Standalone as a real
/// process on PostgreSQL, killed (-9) mid-burst and restarted, every client retrying under the same key until answered.
/// Afterwards every acknowledged redemption has its credit, no promo credit is without its redemption, the cap holds and the
/// capped campaign's counter equals its redemptions, and every wallet equals its entries.</summary>
[Collection(ReliabilityCollection.Name)]
public sealed class PromoScenarioTests(ReliabilityFixture fx, ITestOutputHelper output) : IAsyncLifetime
{
    private const int Players = 60;
    private const int Cap = 100;

    public Task InitializeAsync() => fx.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<long> CountAsync(string sql)
    {
        await using var connection = FuncLedger.TestSupport.Sql.Open(fx.Provider, fx.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? 0 : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task A_killed_process_mid_burst_of_redemptions_loses_no_acknowledged_one_and_credits_none_twice()
    {
        var load = new LoadLedger();
        using var http = fx.Client();
        var client = new LoadClient(http, load);
        Assert.Equal(201, (await client.SendAsync("POST", "/api/ops/promo/campaigns",
            $$"""{"name":"Capped","coins":7,"maxRedemptions":{{Cap}},"perPlayerLimit":1000,"vanityCode":"CAPPED"}""", null,
            StandaloneProcess.MasterKey)).Status);
        Assert.Equal(201, (await client.SendAsync("POST", "/api/ops/promo/campaigns",
            """{"name":"Free","coins":3,"perPlayerLimit":1000,"vanityCode":"FREE"}""", null, StandaloneProcess.MasterKey)).Status);

        var acknowledged = new System.Collections.Concurrent.ConcurrentDictionary<string, (int Status, string Body)>();
        async Task WorkerAsync(int worker)
        {
            for (var i = 0; i < 40; i++)
            {
                var player = 1 + ((worker * 11) + i) % Players;
                var key = $"promo-{worker}-{i}";
                Interlocked.Increment(ref load.Sent);
                var redeemed = await client.SendAsync("POST", $"/api/wallets/{player}/promo-redemptions",
                    $$"""{"code":"{{(i % 2 == 0 ? "CAPPED" : "free")}}"}""", key);
                acknowledged[key] = (redeemed.Status, redeemed.Body);
            }
        }

        var workers = Enumerable.Range(0, 8).Select(w => Task.Run(() => WorkerAsync(w))).ToList();
        while (Interlocked.Read(ref load.Sent) < 120)
        {
            await Task.Delay(5);
        }

        fx.Server.Kill();
        await Task.Delay(300);
        await fx.Server.StartAsync();
        await Task.WhenAll(workers);

        Assert.True(load.ConnectionErrors > 0, "the kill cut no request off");
        // 409 promo_exhausted once the cap is taken; 429 once a player's refusals reach the attempt budget.
        Assert.All(acknowledged, a => Assert.True(a.Value.Status is 201 or 409 or 429, $"{a.Key}: {a.Value.Status} {a.Value.Body}"));
        var redeemed = acknowledged.Where(a => a.Value.Status == 201).ToList();
        foreach (var (key, answer) in redeemed)
        {
            var coins = JsonDocument.Parse(answer.Body).RootElement.GetProperty("coins").GetInt64();
            Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM promo_redemptions r JOIN ledger_entries e ON e.id = r.entry_id "
                + $"WHERE r.idempotency_key = '{key}' AND e.amount = {coins} AND e.source = 17"));
        }

        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM ledger_entries e WHERE e.source = 17 "
            + "AND NOT EXISTS (SELECT 1 FROM promo_redemptions r WHERE r.entry_id = e.id)"));
        var capped = await CountAsync("SELECT COUNT(*) FROM promo_redemptions r JOIN promo_campaigns c ON c.id = r.campaign_id "
            + "WHERE c.vanity_code = 'CAPPED'");
        Assert.InRange(capped, 1, Cap);
        Assert.Equal(capped, await CountAsync("SELECT redemptions FROM promo_campaigns WHERE vanity_code = 'CAPPED'"));
        Assert.Equal(redeemed.Count, await CountAsync("SELECT COUNT(*) FROM promo_redemptions"));
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM wallets w WHERE w.cached_balance <> "
            + "(SELECT COALESCE(SUM(amount), 0) FROM ledger_entries e WHERE e.wallet_id = w.id)"));
        Assert.Equal(await CountAsync("SELECT COALESCE(SUM(coins), 0) FROM promo_redemptions"),
            await CountAsync("SELECT COALESCE(SUM(cached_balance), 0) FROM wallets"));
        output.WriteLine($"promo kill -9: {acknowledged.Count} answered, {redeemed.Count} redeemed ({capped} of the cap {Cap}), "
            + $"connection errors {load.ConnectionErrors}, retries {load.Retries}");
    }
}
