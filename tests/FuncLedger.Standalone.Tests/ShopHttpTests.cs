using System.Net;
using System.Text.Json;

namespace FuncLedger.Standalone.Tests;

/// <summary>The coin shop over HTTP on Standalone (PostgreSQL): the catalog with the master key, a purchase and its replay, the
/// refusals as problem documents, the inventory, the purchases, a refund and the revenue, as a game service and an operator
/// call them.</summary>
[Collection(StandaloneCollection.Name)]
public sealed class ShopHttpTests(StandaloneFixture app) : IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private Task<HttpResponseMessage> OpsAsync(HttpMethod method, string path, string? body = null, string? key = null) =>
        app.SendAsync(method, path, body, StandaloneFixture.MasterKey, key);

    private static async Task<string> CodeAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (await StandaloneFixture.JsonAsync(response)).GetProperty("code").GetString()!;
    }

    [Fact]
    public async Task An_operator_stocks_an_item_a_player_buys_it_once_under_a_retried_key_and_an_operator_refunds_it()
    {
        var created = await OpsAsync(HttpMethod.Post, "/api/ops/shop/items",
            """{"sku":"golden-frame","title":"Golden frame","price":150,"stock":3,"perPlayerLimit":2}""");
        var again = await OpsAsync(HttpMethod.Post, "/api/ops/shop/items",
            """{"sku":"golden-frame","title":"Golden frame","price":150,"stock":3,"perPlayerLimit":2}""");
        var byPlayerKey = await app.SendAsync(HttpMethod.Post, "/api/ops/shop/items", """{"sku":"x","title":"x","price":1}""");
        await app.SendAsync(HttpMethod.Post, "/api/wallets/42/credit", """{"amount":1000,"reason":"seed"}""");

        var bought = await app.SendAsync(HttpMethod.Post, "/api/wallets/42/purchases",
            """{"sku":"golden-frame","quantity":2,"expectedPrice":150}""", idempotencyKey: "buy-1");
        var replayed = await app.SendAsync(HttpMethod.Post, "/api/wallets/42/purchases",
            """{"sku":"golden-frame","quantity":2,"expectedPrice":150}""", idempotencyKey: "buy-1");

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.OK, HttpStatusCode.Unauthorized),
            (created.StatusCode, again.StatusCode, byPlayerKey.StatusCode));
        Assert.Equal(HttpStatusCode.Created, bought.StatusCode);
        var purchase = await StandaloneFixture.JsonAsync(bought);
        Assert.Equal((300L, 700L), (purchase.GetProperty("total").GetInt64(), purchase.GetProperty("balanceAfter").GetInt64()));
        Assert.Equal("true", replayed.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(await bought.Content.ReadAsStringAsync(), await replayed.Content.ReadAsStringAsync());
        Assert.Equal(1, await app.ScalarAsync("SELECT COUNT(*) FROM shop_purchases"));
        var inventory = await StandaloneFixture.JsonAsync(await app.SendAsync(HttpMethod.Get, "/api/wallets/42/inventory"));
        Assert.Equal("""[{"sku":"golden-frame","title":"Golden frame","quantity":2}]""", inventory.GetProperty("items").GetRawText());
        var item = await StandaloneFixture.JsonAsync(await app.SendAsync(HttpMethod.Get, "/api/shop/items/golden-frame"));
        Assert.Equal(1, item.GetProperty("stock").GetInt64());

        var id = purchase.GetProperty("purchaseId").GetInt64();
        var refund = await OpsAsync(HttpMethod.Post, $"/api/ops/purchases/{id}/refund", """{"reason":"mistake","quantity":1}""", "refund-1");
        Assert.Equal(HttpStatusCode.OK, refund.StatusCode);
        Assert.Equal(850, (await StandaloneFixture.JsonAsync(refund)).GetProperty("balanceAfter").GetInt64());
        var revenue = await StandaloneFixture.JsonAsync(await OpsAsync(HttpMethod.Get, "/api/ops/shop/revenue"));
        Assert.Equal((300L, 150L, 150L, true), (revenue.GetProperty("gross").GetInt64(), revenue.GetProperty("refunded").GetInt64(),
            revenue.GetProperty("net").GetInt64(), revenue.GetProperty("consistent").GetBoolean()));
        var purchases = await StandaloneFixture.JsonAsync(await app.SendAsync(HttpMethod.Get, "/api/wallets/42/purchases?limit=10"));
        Assert.Equal(1, purchases.GetProperty("purchases")[0].GetProperty("refundedQuantity").GetInt32());
    }

    [Fact]
    public async Task A_game_uses_items_once_per_key_and_a_refund_of_them_is_item_consumed()
    {
        await OpsAsync(HttpMethod.Post, "/api/ops/shop/items", """{"sku":"potion","title":"Potion","price":10}""");
        await app.SendAsync(HttpMethod.Post, "/api/wallets/5/credit", """{"amount":100,"reason":"seed"}""");
        var bought = await StandaloneFixture.JsonAsync(await app.SendAsync(HttpMethod.Post, "/api/wallets/5/purchases",
            """{"sku":"potion","quantity":2,"expectedPrice":10}""", idempotencyKey: "buy-5"));

        var used = await app.SendAsync(HttpMethod.Post, "/api/wallets/5/inventory/potion/consume", """{"quantity":2}""", idempotencyKey: "use-5");
        var replayed = await app.SendAsync(HttpMethod.Post, "/api/wallets/5/inventory/potion/consume", """{"quantity":2}""",
            idempotencyKey: "use-5");
        var more = await app.SendAsync(HttpMethod.Post, "/api/wallets/5/inventory/potion/consume", """{"quantity":1}""", idempotencyKey: "use-6");
        var unkeyed = await app.SendAsync(HttpMethod.Post, "/api/wallets/5/inventory/potion/consume", """{"quantity":1}""");
        var refund = await OpsAsync(HttpMethod.Post, $"/api/ops/purchases/{bought.GetProperty("purchaseId").GetInt64()}/refund",
            """{"reason":"mistake"}""", "refund-5");

        Assert.Equal(HttpStatusCode.OK, used.StatusCode);
        Assert.Equal((2, 0L), ((await StandaloneFixture.JsonAsync(used)).GetProperty("quantity").GetInt32(),
            (await StandaloneFixture.JsonAsync(used)).GetProperty("remaining").GetInt64()));
        Assert.Equal("true", replayed.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(await used.Content.ReadAsStringAsync(), await replayed.Content.ReadAsStringAsync());
        Assert.Equal((HttpStatusCode.Conflict, "not_enough_items"), (more.StatusCode, await CodeAsync(more)));
        Assert.Equal((HttpStatusCode.BadRequest, "validation"), (unkeyed.StatusCode, await CodeAsync(unkeyed)));
        Assert.Equal((HttpStatusCode.Conflict, "item_consumed"), (refund.StatusCode, await CodeAsync(refund)));
        var inventory = await StandaloneFixture.JsonAsync(await app.SendAsync(HttpMethod.Get, "/api/wallets/5/inventory"));
        Assert.Equal("[]", inventory.GetProperty("items").GetRawText());
        Assert.Equal(80, (await StandaloneFixture.JsonAsync(await app.SendAsync(HttpMethod.Get, "/api/wallets/5/balance")))
            .GetProperty("balance").GetInt64());
        var revenue = await StandaloneFixture.JsonAsync(await OpsAsync(HttpMethod.Get, "/api/ops/shop/revenue"));
        Assert.True(revenue.GetProperty("consistent").GetBoolean());
    }

    [Fact]
    public async Task Each_refusal_is_a_problem_document_with_its_code_and_no_balance_stock_or_inventory_moves()
    {
        await OpsAsync(HttpMethod.Post, "/api/ops/shop/items", """{"sku":"frame","title":"Frame","price":100,"stock":1}""");
        await OpsAsync(HttpMethod.Post, "/api/ops/shop/items", """{"sku":"old","title":"Old","price":5}""");
        await OpsAsync(HttpMethod.Post, "/api/ops/shop/items/old/deactivate");
        await app.SendAsync(HttpMethod.Post, "/api/wallets/7/credit", """{"amount":150,"reason":"seed"}""");

        async Task<(HttpStatusCode, string)> BuyAsync(string body, string? key = "k")
        {
            var response = await app.SendAsync(HttpMethod.Post, "/api/wallets/7/purchases", body, idempotencyKey: key);
            return (response.StatusCode, await CodeAsync(response));
        }

        Assert.Equal((HttpStatusCode.Conflict, "price_changed"), await BuyAsync("""{"sku":"frame","quantity":1,"expectedPrice":90}"""));
        Assert.Equal((HttpStatusCode.Conflict, "out_of_stock"), await BuyAsync("""{"sku":"frame","quantity":2,"expectedPrice":100}"""));
        Assert.Equal((HttpStatusCode.Conflict, "item_unavailable"), await BuyAsync("""{"sku":"old","quantity":1,"expectedPrice":5}"""));
        Assert.Equal((HttpStatusCode.NotFound, "item_not_found"), await BuyAsync("""{"sku":"none","quantity":1,"expectedPrice":5}"""));
        Assert.Equal((HttpStatusCode.BadRequest, "validation"), await BuyAsync("""{"sku":"frame","quantity":1,"expectedPrice":100}""", null));
        Assert.Equal((HttpStatusCode.BadRequest, "validation"), await BuyAsync("""{"sku":"Frame","quantity":1,"expectedPrice":100}"""));
        Assert.Equal((HttpStatusCode.BadRequest, "validation"), await BuyAsync("""{"sku":"frame","quantity":0,"expectedPrice":100}"""));
        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Conflict), (
            (await app.SendAsync(HttpMethod.Post, "/api/wallets/7/purchases", """{"sku":"frame","quantity":1,"expectedPrice":100}""",
                idempotencyKey: "ok")).StatusCode,
            (await app.SendAsync(HttpMethod.Post, "/api/wallets/7/purchases", """{"sku":"frame","quantity":1,"expectedPrice":100}""",
                idempotencyKey: "ok-2")).StatusCode));
        Assert.Equal(50, await app.ScalarAsync("SELECT cached_balance FROM wallets WHERE owner_id = 7"));
        var changed = await OpsAsync(HttpMethod.Put, "/api/ops/shop/items/frame", """{"title":"Frame","price":120,"stock":5}""");
        Assert.Equal(120, (await StandaloneFixture.JsonAsync(changed)).GetProperty("price").GetInt64());
        var other = await OpsAsync(HttpMethod.Post, "/api/ops/shop/items", """{"sku":"frame","title":"Frame","price":1}""");
        Assert.Equal((HttpStatusCode.Conflict, "sku_exists"), (other.StatusCode, await CodeAsync(other)));
        var listed = await StandaloneFixture.JsonAsync(await app.SendAsync(HttpMethod.Get, "/api/shop/items"));
        Assert.Equal(["frame"], listed.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("sku").GetString()));
        var all = await StandaloneFixture.JsonAsync(await OpsAsync(HttpMethod.Get, "/api/ops/shop/items?limit=1"));
        Assert.Equal(JsonValueKind.String, all.GetProperty("nextCursor").ValueKind);
        var missing = await OpsAsync(HttpMethod.Post, "/api/ops/purchases/999/refund", """{"reason":"x"}""", "r-1");
        Assert.Equal((HttpStatusCode.NotFound, "purchase_not_found"), (missing.StatusCode, await CodeAsync(missing)));
    }

    [Fact]
    public async Task A_checkout_confirmed_buys_every_line_and_one_cancelled_returns_its_stock()
    {
        await OpsAsync(HttpMethod.Post, "/api/ops/shop/items", """{"sku":"frame","title":"Frame","price":100,"stock":2}""");
        await OpsAsync(HttpMethod.Post, "/api/ops/shop/items", """{"sku":"badge","title":"Badge","price":30}""");
        await app.SendAsync(HttpMethod.Post, "/api/wallets/9/credit", """{"amount":500,"reason":"seed"}""");
        const string cart = """{"items":[{"sku":"frame","quantity":1,"expectedPrice":100},{"sku":"badge","quantity":2,"expectedPrice":30}]}""";

        var opened = await app.SendAsync(HttpMethod.Post, "/api/wallets/9/checkouts", cart, idempotencyKey: "cart-1");
        var checkout = await StandaloneFixture.JsonAsync(opened);
        var id = checkout.GetProperty("checkoutId").GetInt64();
        var confirmed = await app.SendAsync(HttpMethod.Post, $"/api/checkouts/{id}/confirm", idempotencyKey: "cart-1-confirm");
        var again = await app.SendAsync(HttpMethod.Post, $"/api/checkouts/{id}/confirm", idempotencyKey: "cart-1-confirm");
        var late = await app.SendAsync(HttpMethod.Post, $"/api/checkouts/{id}/cancel");

        Assert.Equal((HttpStatusCode.Created, "pending", 160L), (opened.StatusCode, checkout.GetProperty("status").GetString(),
            checkout.GetProperty("total").GetInt64()));
        var done = await StandaloneFixture.JsonAsync(confirmed);
        Assert.Equal(("completed", 2), (done.GetProperty("status").GetString(), done.GetProperty("purchases").GetArrayLength()));
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal((HttpStatusCode.Conflict, "checkout_not_pending"), (late.StatusCode, await CodeAsync(late)));
        Assert.Equal(340, await app.ScalarAsync("SELECT cached_balance FROM wallets WHERE owner_id = 9"));

        var second = await StandaloneFixture.JsonAsync(await app.SendAsync(HttpMethod.Post, "/api/wallets/9/checkouts",
            """{"items":[{"sku":"frame","quantity":1,"expectedPrice":100}]}""", idempotencyKey: "cart-2"));
        var soldOut = await app.SendAsync(HttpMethod.Post, "/api/wallets/9/checkouts",
            """{"items":[{"sku":"frame","quantity":1,"expectedPrice":100}]}""", idempotencyKey: "cart-3");
        Assert.Equal((HttpStatusCode.Conflict, "out_of_stock"), (soldOut.StatusCode, await CodeAsync(soldOut)));
        var cancelled = await app.SendAsync(HttpMethod.Post, $"/api/checkouts/{second.GetProperty("checkoutId").GetInt64()}/cancel");
        Assert.Equal("cancelled", (await StandaloneFixture.JsonAsync(cancelled)).GetProperty("status").GetString());
        var item = await StandaloneFixture.JsonAsync(await app.SendAsync(HttpMethod.Get, "/api/shop/items/frame"));
        Assert.Equal(1, item.GetProperty("stock").GetInt64());
        var missing = await app.SendAsync(HttpMethod.Get, "/api/checkouts/999");
        Assert.Equal((HttpStatusCode.NotFound, "checkout_not_found"), (missing.StatusCode, await CodeAsync(missing)));
    }
}
