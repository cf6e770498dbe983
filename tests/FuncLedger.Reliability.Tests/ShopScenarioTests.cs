using System.Text.Json;
using Xunit.Abstractions;

namespace FuncLedger.Reliability.Tests;

/// <summary>The coin shop under a crash: a burst of purchases and checkouts against Standalone as a real process on PostgreSQL,
/// killed (-9) mid-burst and restarted, every client retrying its request under the same key until it is answered. Afterwards
/// every acknowledged purchase has its debit, its grant and its stock; no purchase debit is without its purchase row; nothing
/// is oversold; the wallets and the revenue hold.</summary>
[Collection(ReliabilityCollection.Name)]
public sealed class ShopScenarioTests(ReliabilityFixture fx, ITestOutputHelper output) : IAsyncLifetime
{
    private const int Buyers = 20;
    private const int Stock = 40;

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
    public async Task A_killed_process_mid_burst_of_purchases_and_checkouts_loses_nothing_and_oversells_nothing()
    {
        var load = new LoadLedger();
        using var http = fx.Client();
        var client = new LoadClient(http, load);
        Assert.Equal(201, (await client.SendAsync("POST", "/api/ops/shop/items", """{"sku":"gem","title":"Gem","price":3}""", null,
            StandaloneProcess.MasterKey)).Status);
        Assert.Equal(201, (await client.SendAsync("POST", "/api/ops/shop/items",
            $$"""{"sku":"crown","title":"Crown","price":5,"stock":{{Stock}}}""", null, StandaloneProcess.MasterKey)).Status);
        for (var buyer = 1; buyer <= Buyers; buyer++)
        {
            await client.SendAsync("POST", $"/api/wallets/{buyer}/credit", """{"amount":10000,"reason":"seed"}""", $"shop-seed-{buyer}");
        }

        var acknowledged = new System.Collections.Concurrent.ConcurrentDictionary<string, (int Status, string Body)>();
        async Task WorkerAsync(int worker)
        {
            for (var i = 0; i < 60; i++)
            {
                var buyer = 1 + ((worker * 7) + i) % Buyers;
                var sku = i % 3 == 0 ? "crown" : "gem";
                var price = sku == "crown" ? 5 : 3;
                var key = $"shop-{worker}-{i}";
                Interlocked.Increment(ref load.Sent);
                if (i % 4 != 3)
                {
                    var bought = await client.SendAsync("POST", $"/api/wallets/{buyer}/purchases",
                        $$"""{"sku":"{{sku}}","quantity":1,"expectedPrice":{{price}}}""", key);
                    acknowledged[key] = (bought.Status, bought.Body);
                    continue;
                }

                var opened = await client.SendAsync("POST", $"/api/wallets/{buyer}/checkouts",
                    $$"""{"items":[{"sku":"{{sku}}","quantity":1,"expectedPrice":{{price}}}]}""", key);
                acknowledged[key] = (opened.Status, opened.Body);
                if (opened.Status == 201)
                {
                    var id = JsonDocument.Parse(opened.Body).RootElement.GetProperty("checkoutId").GetInt64();
                    var close = i % 8 == 3 ? "confirm" : "cancel";
                    var closed = await client.SendAsync("POST", $"/api/checkouts/{id}/{close}", null, $"{key}-{close}");
                    acknowledged[$"{key}-{close}"] = (closed.Status, closed.Body);
                }
            }
        }

        var workers = Enumerable.Range(0, 8).Select(w => Task.Run(() => WorkerAsync(w))).ToList();
        while (Interlocked.Read(ref load.Sent) < 160)
        {
            await Task.Delay(5);
        }

        fx.Server.Kill();
        await Task.Delay(300);
        await fx.Server.StartAsync();
        await Task.WhenAll(workers);

        Assert.True(load.ConnectionErrors > 0, "the kill cut no request off");
        Assert.All(acknowledged, a => Assert.True(a.Value.Status is 200 or 201 or 409, $"{a.Key}: {a.Value.Status} {a.Value.Body}"));
        var purchases = acknowledged.Where(a => a.Value.Status == 201 && a.Key.Count(c => c == '-') == 2
            && JsonDocument.Parse(a.Value.Body).RootElement.TryGetProperty("purchaseId", out _)).ToList();
        foreach (var (key, _) in purchases)
        {
            Assert.Equal(1, await CountAsync($"SELECT COUNT(*) FROM shop_purchases p JOIN ledger_entries e ON e.id = p.entry_id "
                + $"WHERE p.idempotency_key = '{key}' AND e.amount = -p.total"));
        }

        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM ledger_entries e WHERE e.meta LIKE '%\"kind\":\"purchase\"%' "
            + "AND NOT EXISTS (SELECT 1 FROM shop_purchases p WHERE p.entry_id = e.id)"));
        var crownsSold = await CountAsync("SELECT COALESCE(SUM(quantity), 0) FROM shop_purchases WHERE sku = 'crown'");
        var crownsHeld = await CountAsync("SELECT COALESCE(SUM(l.quantity), 0) FROM shop_checkout_lines l "
            + "JOIN shop_checkouts c ON c.id = l.checkout_id WHERE c.status = 0 AND l.sku = 'crown'");
        Assert.Equal(Stock, await CountAsync("SELECT stock FROM shop_items WHERE sku = 'crown'") + crownsSold + crownsHeld);
        Assert.Equal(await CountAsync("SELECT COALESCE(SUM(quantity), 0) FROM shop_purchases"),
            await CountAsync("SELECT COALESCE(SUM(quantity), 0) FROM shop_inventory"));
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM wallets w WHERE w.cached_balance <> "
            + "(SELECT COALESCE(SUM(amount), 0) FROM ledger_entries e WHERE e.wallet_id = w.id)"));
        Assert.Equal(Buyers * 10_000L, await CountAsync("SELECT SUM(cached_balance) FROM wallets")
            + await CountAsync("SELECT COALESCE(SUM(total), 0) FROM shop_purchases"));
        output.WriteLine($"shop kill -9: {acknowledged.Count} answered, {purchases.Count} direct purchases, crowns sold {crownsSold}, "
            + $"connection errors {load.ConnectionErrors}, retries {load.Retries}");
    }
}
