using System.Net;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using FuncLedger.Client;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace FuncLedger.Reliability.Tests;

/// <summary>
/// FuncLedger.Client end to end against Standalone as a real process (PostgreSQL, Azurite): every call, its typed
/// answers and problems, and retries with the same idempotency key across a server killed mid-request, which apply once.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class ClientTests(ReliabilityFixture fx) : IAsyncLifetime
{
    public Task InitializeAsync() => fx.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>The client as an app registers it; <paramref name="fault"/> sits under the resilience pipeline (where the
    /// network is), so the pipeline retries what it does.</summary>
    private ServiceProvider Services(DelegatingHandler? fault = null)
    {
        var services = new ServiceCollection();
        var builder = services.AddFuncLedgerClient(o =>
        {
            o.BaseAddress = new Uri(fx.Server.BaseAddress, "/api/");
            o.FunctionKey = StandaloneProcess.FunctionKey;
            o.RetryDelay = TimeSpan.FromMilliseconds(200);
            o.RetryAttempts = 8;
        });
        if (fault is not null)
        {
            builder.AddHttpMessageHandler(() => fault);
        }

        return services.BuildServiceProvider();
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(fx.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task The_shop_calls_buy_once_under_a_retried_key_and_a_checkout_confirms_every_line()
    {
        await using var services = Services();
        var client = services.GetRequiredService<FuncLedgerClient>();
        using var ops = fx.Client();
        using var create = new HttpRequestMessage(HttpMethod.Post, "/api/ops/shop/items")
        {
            Content = new StringContent("""{"sku":"client-gem","title":"Gem","price":7,"stock":5}""", System.Text.Encoding.UTF8,
                "application/json"),
        };
        create.Headers.Add("x-functions-key", StandaloneProcess.MasterKey);
        Assert.Equal(System.Net.HttpStatusCode.Created, (await ops.SendAsync(create)).StatusCode);
        await client.CreditAsync(601, 100, "seed");

        var bought = await client.PurchaseAsync(601, "client-gem", 2, 7, "client-buy-1");
        var again = await client.PurchaseAsync(601, "client-gem", 2, 7, "client-buy-1");
        var checkout = await client.OpenCheckoutAsync(601, [new CheckoutItem("client-gem", 1, 7)], "client-cart-1");
        var confirmed = await client.ConfirmCheckoutAsync(checkout.CheckoutId, "client-cart-1-confirm");
        var stale = await Assert.ThrowsAsync<FuncLedgerProblemException>(() => client.PurchaseAsync(601, "client-gem", 1, 6));

        Assert.Equal((14L, 86L, false, true), (bought.Total, bought.BalanceAfter, bought.Replayed, again.Replayed));
        Assert.Equal(("completed", 1), (confirmed.Status, confirmed.Purchases.Count));
        Assert.Equal("price_changed", stale.Code);
        Assert.Equal(3, (await client.GetInventoryAsync(601)).Items.Single().Quantity);
        Assert.Equal(2, (await client.GetPurchasesAsync(601)).Purchases.Count);
        Assert.Equal(2, (await client.GetShopItemAsync("client-gem")).Stock);
        Assert.Equal(["client-gem"], (await client.GetShopItemsAsync()).Items.Select(i => i.Sku));
        Assert.Equal("completed", (await client.GetCheckoutAsync(checkout.CheckoutId)).Status);
        var other = await client.OpenCheckoutAsync(601, [new CheckoutItem("client-gem", 1, 7)]);
        Assert.Equal("cancelled", (await client.CancelCheckoutAsync(other.CheckoutId)).Status);
    }

    [Fact]
    public async Task A_promo_code_is_checked_and_redeemed_once_under_a_retried_key()
    {
        await using var services = Services();
        var client = services.GetRequiredService<FuncLedgerClient>();
        using var ops = fx.Client();
        using var create = new HttpRequestMessage(HttpMethod.Post, "/api/ops/promo/campaigns")
        {
            Content = new StringContent("""{"name":"Client","coins":40,"vanityCode":"CLIENT-40"}""", System.Text.Encoding.UTF8,
                "application/json"),
        };
        create.Headers.Add("x-functions-key", StandaloneProcess.MasterKey);
        Assert.Equal(System.Net.HttpStatusCode.Created, (await ops.SendAsync(create)).StatusCode);

        var check = await client.CheckPromoAsync(701, "client-40");
        var redeemed = await client.RedeemPromoAsync(701, "client-40", "client-promo-1");
        var again = await client.RedeemPromoAsync(701, "CLIENT-40", "client-promo-1");
        var twice = await Assert.ThrowsAsync<FuncLedgerProblemException>(() => client.RedeemPromoAsync(701, "CLIENT-40"));
        var unknown = await Assert.ThrowsAsync<FuncLedgerNotFoundException>(() => client.CheckPromoAsync(701, "NOPE-NOPE"));

        Assert.Equal((40L, "Client"), (check.Coins, check.Name));
        Assert.Equal((40L, 40L, false, true), (redeemed.Coins, redeemed.BalanceAfter, redeemed.Replayed, again.Replayed));
        Assert.Equal(("promo_already_redeemed", "promo_invalid"), (twice.Code, unknown.Code));

        // Ten bad guesses, then a 429 whose Retry-After is an hour: the client answers it at once instead of waiting it out.
        for (var i = 0; i < 10; i++)
        {
            await Assert.ThrowsAsync<FuncLedgerNotFoundException>(() => client.CheckPromoAsync(702, $"GUESS-{i}"));
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var limited = await Assert.ThrowsAsync<FuncLedgerProblemException>(() => client.RedeemPromoAsync(702, "CLIENT-40"));
        Assert.Equal("too_many_attempts", limited.Code);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the client waited {clock.Elapsed} on a 429 of an hour");
    }

    [Fact]
    public async Task The_keys_the_client_makes_are_unique_and_grow_in_the_order_they_were_made()
    {
        // Time-ordered (UUIDv7): the ledger's key indexes grow at their right edge (docs/benchmarks.md, random keys).
        var keys = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            keys.Add(FuncLedgerClient.NewIdempotencyKey());
            await Task.Delay(3);
        }

        Assert.All(keys, k => Assert.Matches("^client-[0-9a-f]{32}$", k));
        Assert.Equal(keys.Order(StringComparer.Ordinal), keys);
        Assert.Equal(6, keys.Distinct().Count());
    }

    [Fact]
    public async Task Every_call_answers_typed_results_and_problems_become_typed_exceptions()
    {
        await using var services = Services();
        var client = services.GetRequiredService<FuncLedgerClient>();

        var credit = await client.CreditAsync(501, 1_000, "season prize", "client-e2e-credit");
        var again = await client.CreditAsync(501, 1_000, "season prize", "client-e2e-credit");
        Assert.Equal(1_000, credit.BalanceAfter);
        Assert.False(credit.Replayed);
        Assert.True(again.Replayed);
        Assert.Equal(credit.TransactionId, again.TransactionId);
        var unkeyed = await client.CreditAsync(502, 50, "generated key");
        Assert.StartsWith("client-", unkeyed.IdempotencyKey, StringComparison.Ordinal);

        var transfer = await client.TransferAsync(501, 502, 300, "gift");
        Assert.Equal((700, 350), (transfer.FromBalanceAfter, transfer.ToBalanceAfter));
        var posting = await client.PostAsync([new PostingLeg(501, -100), new PostingLeg(503, 60), new PostingLeg(504, 40)], "prize pool");
        Assert.Equal(3, posting.Legs.Count);
        var hold = await client.PlaceHoldAsync(501, 200, "checkout");
        Assert.Equal(("pending", 400L), (hold.Status, hold.Available));
        var capture = await client.CaptureHoldAsync(hold.HoldId, 150, toOwnerId: 502, idempotencyKey: "client-e2e-capture");
        var captureAgain = await client.CaptureHoldAsync(hold.HoldId, 150, toOwnerId: 502, idempotencyKey: "client-e2e-capture");
        Assert.Equal((150L, 50L, false, true), (capture.Captured, capture.Released, capture.Replayed, captureAgain.Replayed));
        Assert.Equal(capture.CreditTransactionId, (await client.GetHoldAsync(hold.HoldId)).CreditTransactionId);
        var voided = await client.VoidHoldAsync((await client.PlaceHoldAsync(501, 10, "entry fee")).HoldId);
        Assert.Equal(("voided", false), (voided.Status, voided.Replayed));
        var reversal = await client.ReverseAsync(transfer.DebitTransactionId, "returned", amount: 100);
        Assert.Equal(2, reversal.Legs.Count);
        var undone = await client.ReversePostingAsync(posting.PostingId, "cancelled", "client-e2e-undo");
        Assert.Equal((posting.PostingId, 100L), (undone.PostingId, undone.Amount));

        var balance = await client.GetBalanceAsync(501);
        Assert.Equal((650L, 0L, 650L), (balance.Balance, balance.Held!.Value, balance.Available!.Value));
        var first = await client.GetHistoryAsync(501, limit: 2);
        var second = await client.GetHistoryAsync(501, limit: 2, cursor: first.NextCursor);
        Assert.Equal(2, first.Items.Count);
        Assert.True(first.Items[0].TransactionId > first.Items[1].TransactionId);
        Assert.True(second.Items[0].TransactionId < first.Items[1].TransactionId);
        Assert.All((await client.GetHistoryAsync(501, type: HistoryType.Credit)).Items, e => Assert.True(e.Amount > 0));

        var poor = await Assert.ThrowsAsync<InsufficientFundsException>(() => client.DebitAsync(504, 1_000, "too much"));
        Assert.Equal((HttpStatusCode.Conflict, "insufficient_funds", 0L, 1_000L), (poor.Status, poor.Code, poor.Balance, poor.Amount));
        await Assert.ThrowsAsync<IdempotencyConflictException>(() => client.CreditAsync(501, 999, "season prize", "client-e2e-credit"));
        var invalid = await Assert.ThrowsAsync<FuncLedgerValidationException>(() => client.CreditAsync(501, 10, ""));
        Assert.Contains(invalid.Errors, e => e.Field == "reason");
        Assert.Equal("self_transfer", (await Assert.ThrowsAsync<FuncLedgerValidationException>(() => client.TransferAsync(501, 501, 1, "x"))).Code);
        Assert.Equal("hold_not_found", (await Assert.ThrowsAsync<FuncLedgerNotFoundException>(() => client.GetHoldAsync(987_654))).Code);
    }

    /// <summary>The first attempt reaches the server and commits; then the server is killed before the answer comes
    /// back. The client's retries (connection refused while it restarts) send the same key and get the original answer.</summary>
    [Fact]
    public async Task A_response_lost_with_the_server_killed_is_retried_with_the_same_key_and_applies_once()
    {
        await using (var seed = Services())
        {
            await seed.GetRequiredService<FuncLedgerClient>().CreditAsync(601, 1_000, "seed", "client-kill-seed");
        }

        var fault = new KillAfterFirstAttempt(fx, waitForAnswer: true);
        await using var services = Services(fault);
        var transfer = await services.GetRequiredService<FuncLedgerClient>().TransferAsync(601, 602, 250, "kill mid-request", "client-kill-1");

        Assert.True(fault.Attempts >= 2, $"{fault.Attempts} attempts");
        Assert.True(transfer.Replayed);
        Assert.Equal((750, 250), (transfer.FromBalanceAfter, transfer.ToBalanceAfter));
        Assert.Equal(1, await ScalarAsync("SELECT COUNT(*) FROM ledger_entries WHERE idempotency_key = 'client-kill-1_debit'"));
        Assert.Equal(750, await ScalarAsync("SELECT cached_balance FROM wallets WHERE owner_id = 601"));
        Assert.Equal(250, await ScalarAsync("SELECT cached_balance FROM wallets WHERE owner_id = 602"));
    }

    /// <summary>The server is killed while the request is in flight (it may or may not have committed): the retried
    /// request applies exactly once either way.</summary>
    [Fact]
    public async Task A_server_killed_while_a_request_is_in_flight_leaves_the_write_applied_exactly_once()
    {
        var fault = new KillAfterFirstAttempt(fx, waitForAnswer: false);
        await using var services = Services(fault);
        var credit = await services.GetRequiredService<FuncLedgerClient>().CreditAsync(611, 77, "kill in flight", "client-kill-2");

        Assert.True(fault.Attempts >= 2, $"{fault.Attempts} attempts");
        Assert.Equal(77, credit.BalanceAfter);
        Assert.Equal(1, await ScalarAsync("SELECT COUNT(*) FROM ledger_entries WHERE idempotency_key = 'client-kill-2'"));
        Assert.Equal(77, await ScalarAsync("SELECT cached_balance FROM wallets WHERE owner_id = 611"));
    }

    /// <summary>Every property of the client's models is one of its schema's in docs/openapi.json, and every property
    /// the schema requires is in the model.</summary>
    [Theory]
    [InlineData(typeof(WalletChange), "WalletChangeResponse")]
    [InlineData(typeof(Transfer), "TransferResponse")]
    [InlineData(typeof(Posting), "PostingResponse")]
    [InlineData(typeof(WalletBalance), "BalanceResponse")]
    [InlineData(typeof(HistoryPage), "HistoryResponse")]
    [InlineData(typeof(Hold), "HoldResponse")]
    [InlineData(typeof(CaptureResult), "CaptureResponse")]
    [InlineData(typeof(VoidResult), "VoidResponse")]
    [InlineData(typeof(Reversal), "ReversalResponse")]
    [InlineData(typeof(ShopItem), "ShopItemResponse")]
    [InlineData(typeof(ShopItemPage), "ShopItemsResponse")]
    [InlineData(typeof(Purchase), "PurchaseResponse")]
    [InlineData(typeof(PurchasePage), "PurchasesResponse")]
    [InlineData(typeof(Inventory), "InventoryResponse")]
    [InlineData(typeof(Consumption), "ConsumptionResponse")]
    [InlineData(typeof(Checkout), "CheckoutResponse")]
    [InlineData(typeof(PromoRedemption), "RedemptionResponse")]
    [InlineData(typeof(PromoCheck), "PromoCheckResponse")]
    [InlineData(typeof(PromoItem), "PromoItem")]
    public void The_client_models_are_the_openapi_schemas(Type model, string schema)
    {
        var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(ReliabilityFixture.RepositoryRoot, "docs", "openapi.json"))).RootElement;
        var definition = document.GetProperty("components").GetProperty("schemas").GetProperty(schema);
        var documented = definition.GetProperty("properties").EnumerateObject().Select(p => p.Name).ToHashSet();
        var required = definition.TryGetProperty("required", out var r) ? r.EnumerateArray().Select(x => x.GetString()!).ToList() : [];
        var modelled = model.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetCustomAttribute<JsonIgnoreAttribute>() is null)
            .Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name)).ToHashSet();

        Assert.Subset(documented, modelled);
        Assert.Subset(modelled, required.ToHashSet());
    }

    /// <summary>Under the resilience pipeline: the first attempt goes to the server (and, with <c>waitForAnswer</c>, its
    /// answer is awaited, so the write committed); then the server is killed and the attempt fails as a lost connection.
    /// The server restarts in the background while the pipeline retries.</summary>
    private sealed class KillAfterFirstAttempt(ReliabilityFixture fx, bool waitForAnswer) : DelegatingHandler
    {
        private int _attempts;

        public int Attempts => _attempts;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _attempts) > 1)
            {
                return await base.SendAsync(request, cancellationToken);
            }

            var sending = base.SendAsync(request, cancellationToken);
            if (waitForAnswer)
            {
                using var answer = await sending;
                Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            }
            else
            {
                await Task.Delay(2, cancellationToken);
            }

            fx.Server.Kill();
            _ = Task.Run(fx.Server.StartAsync, CancellationToken.None);
            if (!waitForAnswer)
            {
                // Whatever the server did, this attempt's answer is lost with it.
                try
                {
                    (await sending).Dispose();
                }
                catch (HttpRequestException)
                {
                }
            }

            throw new HttpRequestException("The connection was lost (the server was killed).");
        }
    }
}
