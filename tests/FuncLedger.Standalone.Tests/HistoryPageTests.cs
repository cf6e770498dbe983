using System.Net;
using System.Text.Json;
using FuncLedger.Hosting;
using Microsoft.Playwright;

namespace FuncLedger.Standalone.Tests;

/// <summary>
/// The players' history page in a real browser (Debian's headless Chromium driven by Playwright) against Standalone on
/// PostgreSQL: the balance and rows agree with the API, paging forward and back and the type filter work, and a tampered,
/// expired or other owner's link shows nothing. Screenshots (desktop and 390 px wide) go to artifacts/screenshots.
/// </summary>
[Collection(StandaloneCollection.Name)]
public sealed class HistoryPageTests(StandaloneFixture app) : IAsyncLifetime
{
    private const long Owner = 4242;

    public Task InitializeAsync() => app.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private static string Chromium => Environment.GetEnvironmentVariable("FUNCLEDGER_TEST_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    private async Task<JsonElement> GetAsync(string path) =>
        await StandaloneFixture.JsonAsync(await app.SendAsync(HttpMethod.Get, path));

    private async Task<string> LinkAsync(long owner, string ttl = "15m")
    {
        var response = await app.SendAsync(HttpMethod.Post, $"/api/ops/history-links?ownerId={owner}&ttl={ttl}", key: StandaloneFixture.MasterKey);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await StandaloneFixture.JsonAsync(response)).GetProperty("url").GetString()!;
    }

    private static async Task<long[]> RowIdsAsync(IPage page) =>
        [.. (await page.Locator("#rows tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.transactionId)")).Select(long.Parse)];

    [Fact]
    public async Task The_page_shows_the_wallet_and_pages_through_the_history_like_the_api_and_refuses_bad_links()
    {
        await app.SendAsync(HttpMethod.Post, $"/api/wallets/{Owner}/credit", """{"amount":5000,"reason":"season prize"}""");
        for (var i = 1; i <= 24; i++)
        {
            var (kind, amount) = i % 3 == 0 ? ("debit", 40 + i) : ("credit", 100 + i);
            await app.SendAsync(HttpMethod.Post, $"/api/wallets/{Owner}/{kind}", $$"""{"amount":{{amount}},"reason":"{{kind}} {{i}}"}""");
        }

        await app.SendAsync(HttpMethod.Post, $"/api/wallets/{Owner}/holds", """{"amount":300,"reason":"shop checkout"}""", idempotencyKey: "page-hold-1");
        var balance = await GetAsync($"/api/wallets/{Owner}/balance");
        var apiFirst = await GetAsync($"/api/wallets/{Owner}/transactions?limit=10");
        var apiSecond = await GetAsync($"/api/wallets/{Owner}/transactions?limit=10&cursor={Uri.EscapeDataString(apiFirst.GetProperty("nextCursor").GetString()!)}");
        long[] Ids(JsonElement page) => [.. page.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("transactionId").GetInt64())];
        var url = await LinkAsync(Owner);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"] });
        var context = await browser.NewContextAsync(new() { Locale = "en-US", TimezoneId = "UTC", ViewportSize = new() { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        var loaded = await page.GotoAsync(url);
        Assert.Equal(200, loaded!.Status);
        await page.Locator("#wallet").WaitForAsync();

        string Coins(string field) => balance.GetProperty(field).GetInt64().ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(Coins("balance"), await page.Locator("#balance").TextContentAsync());
        Assert.Equal(Coins("held"), await page.Locator("#held").TextContentAsync());
        Assert.Equal(Coins("available"), await page.Locator("#available").TextContentAsync());
        Assert.Equal("300", await page.Locator("#held").TextContentAsync());
        Assert.Equal(Ids(apiFirst), await RowIdsAsync(page));
        Assert.True(await page.Locator("#newer").IsDisabledAsync());
        var folder = Path.Combine(StandaloneFixture.RepositoryRoot, "artifacts", "screenshots");
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new() { Path = Path.Combine(folder, "history-desktop.png"), FullPage = true });

        await page.Locator("#older").ClickAsync();
        await page.Locator("#page").Filter(new() { HasText = "Page 2" }).WaitForAsync();
        Assert.Equal(Ids(apiSecond), await RowIdsAsync(page));
        await page.Locator("#older").ClickAsync();
        await page.Locator("#page").Filter(new() { HasText = "Page 3" }).WaitForAsync();
        Assert.Equal(5, (await RowIdsAsync(page)).Length);
        Assert.True(await page.Locator("#older").IsDisabledAsync());
        await page.Locator("#newer").ClickAsync();
        await page.Locator("#page").Filter(new() { HasText = "Page 2" }).WaitForAsync();
        Assert.Equal(Ids(apiSecond), await RowIdsAsync(page));

        await page.Locator("#type").SelectOptionAsync("debit");
        await page.Locator("#page").Filter(new() { HasText = "Page 1" }).WaitForAsync();
        var debits = await page.Locator("#rows td.coins").AllTextContentsAsync();
        Assert.Equal(8, debits.Count);
        Assert.All(debits, d => Assert.StartsWith("-", d, StringComparison.Ordinal));

        await page.Locator("#type").SelectOptionAsync("");
        await page.Locator("#rows tr").First.WaitForAsync();
        await page.SetViewportSizeAsync(390, 844);
        await page.ScreenshotAsync(new() { Path = Path.Combine(folder, "history-phone.png"), FullPage = true });
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= 390"), "the page scrolls sideways at 390 px");

        // Bad links: a changed byte, another owner's path, an expired token. Each is 403 and shows nothing.
        var token = url[(url.IndexOf("?t=", StringComparison.Ordinal) + 3)..];
        var middle = url.Length - 20;
        var tampered = url[..middle] + (url[middle] == 'A' ? 'B' : 'A') + url[(middle + 1)..];
        var spareBits = url[..^1] + (url[^1] == 'A' ? 'B' : 'A');
        var otherOwner = url.Replace($"/history/{Owner}?", $"/history/{Owner + 1}?", StringComparison.Ordinal);
        var past = new HistoryLinks(new HistoryLinkOptions { Secret = StandaloneFixture.HistoryLinkSecret },
            new FixedTime(TimeProvider.System.GetUtcNow().AddHours(-1))).Create(Owner, 0, TimeSpan.FromMinutes(15)).Token;
        var expired = url.Replace(token, past, StringComparison.Ordinal);
        foreach (var bad in new[] { tampered, spareBits, otherOwner, expired })
        {
            var refused = await page.GotoAsync(bad);
            Assert.Equal(403, refused!.Status);
            Assert.Contains("This link is not valid or has expired.", await page.ContentAsync(), StringComparison.Ordinal);
            Assert.Equal(0, await page.Locator("#rows tr").CountAsync());
            var data = await app.SendAsync(HttpMethod.Get, new Uri(bad).PathAndQuery.Replace("?t=", "/data?t=", StringComparison.Ordinal), key: null);
            Assert.Equal(HttpStatusCode.Forbidden, data.StatusCode);
            Assert.Equal("link_invalid", (await StandaloneFixture.JsonAsync(data)).GetProperty("code").GetString());
        }

        // The page of a link that expires while it is open: the next request shows the message and no rows.
        await page.GotoAsync(url);
        await page.Locator("#wallet").WaitForAsync();
        await page.RouteAsync("**/data?**", route => route.ContinueAsync(new() { Url = route.Request.Url.Replace(token, past, StringComparison.Ordinal) }));
        await page.Locator("#older").ClickAsync();
        await page.Locator("#error").WaitForAsync();
        Assert.Contains("not valid or has expired", await page.Locator("#error").TextContentAsync(), StringComparison.Ordinal);
        Assert.True(await page.Locator("#history").IsHiddenAsync());
    }

    [Fact]
    public async Task Links_are_issued_with_the_master_key_only_and_for_a_bounded_time()
    {
        Assert.Equal(HttpStatusCode.Unauthorized,
            (await app.SendAsync(HttpMethod.Post, $"/api/ops/history-links?ownerId={Owner}")).StatusCode);
        var link = await StandaloneFixture.JsonAsync(
            await app.SendAsync(HttpMethod.Post, $"/api/ops/history-links?ownerId={Owner}&ttl=2h", key: StandaloneFixture.MasterKey));
        Assert.InRange(link.GetProperty("expiresAt").GetDateTimeOffset() - TimeProvider.System.GetUtcNow(), TimeSpan.FromMinutes(119), TimeSpan.FromMinutes(121));
        Assert.StartsWith($"{app.Client.BaseAddress!.AbsoluteUri.TrimEnd('/')}/api/history/{Owner}?t=", link.GetProperty("url").GetString(), StringComparison.Ordinal);
        foreach (var ttl in new[] { "8d", "0m", "soon" })
        {
            var refused = await app.SendAsync(HttpMethod.Post, $"/api/ops/history-links?ownerId={Owner}&ttl={ttl}", key: StandaloneFixture.MasterKey);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }

        // A wallet that does not exist yet: an empty page, not an error (the link names an owner, not a wallet).
        var empty = await StandaloneFixture.JsonAsync(await app.SendAsync(HttpMethod.Get,
            new Uri((await LinkAsync(99_999)).Replace("?t=", "/data?t=", StringComparison.Ordinal)).PathAndQuery, key: null));
        Assert.Equal(0, empty.GetProperty("balance").GetInt64());
        Assert.Equal(0, empty.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Revoking_an_owners_links_ends_each_link_issued_before_and_new_links_work()
    {
        await app.SendAsync(HttpMethod.Post, $"/api/wallets/{Owner}/credit", """{"amount":50,"reason":"seed"}""");
        var before = new Uri(await LinkAsync(Owner)).PathAndQuery;
        var otherOwners = new Uri(await LinkAsync(Owner + 1)).PathAndQuery;
        Assert.Equal(HttpStatusCode.OK, (await app.SendAsync(HttpMethod.Get, before, key: null)).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized,
            (await app.SendAsync(HttpMethod.Post, $"/api/ops/history-links/{Owner}/revoke")).StatusCode);
        var revoked = await app.SendAsync(HttpMethod.Post, $"/api/ops/history-links/{Owner}/revoke", key: StandaloneFixture.MasterKey);
        var after = new Uri(await LinkAsync(Owner)).PathAndQuery;

        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        Assert.Equal(1, (await StandaloneFixture.JsonAsync(revoked)).GetProperty("epoch").GetInt32());
        Assert.Equal(HttpStatusCode.Forbidden, (await app.SendAsync(HttpMethod.Get, before, key: null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden,
            (await app.SendAsync(HttpMethod.Get, before.Replace("?t=", "/data?t=", StringComparison.Ordinal), key: null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.SendAsync(HttpMethod.Get, after, key: null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.SendAsync(HttpMethod.Get, otherOwners, key: null)).StatusCode);
        Assert.Equal(1, await app.ScalarAsync($"SELECT COUNT(*) FROM history_link_epochs WHERE owner_id = {Owner} AND revoked_by LIKE 'key:%'"));
    }

    [Fact]
    public void A_rotated_secret_keeps_links_signed_with_the_previous_one_working_and_a_link_of_neither_is_refused()
    {
        const string next = "the-next-history-link-secret-0123456789abcdef";
        var old = new HistoryLinks(new HistoryLinkOptions { Secret = StandaloneFixture.HistoryLinkSecret }, TimeProvider.System);
        var rotated = new HistoryLinks(new HistoryLinkOptions { Secret = next, PreviousSecret = StandaloneFixture.HistoryLinkSecret },
            TimeProvider.System);
        var stranger = new HistoryLinks(new HistoryLinkOptions { Secret = "somebody-elses-secret-0123456789abcdef" }, TimeProvider.System);

        var (issuedBefore, _) = old.Create(Owner, 3, TimeSpan.FromHours(1));
        var (issuedAfter, _) = rotated.Create(Owner, 3, TimeSpan.FromHours(1));

        Assert.Equal((HistoryLinkCheck.Valid, 3), rotated.Check(Owner, issuedBefore));
        Assert.Equal((HistoryLinkCheck.Valid, 3), rotated.Check(Owner, issuedAfter));
        Assert.Equal(HistoryLinkCheck.Invalid, old.Check(Owner, issuedAfter).Result);
        Assert.Equal(HistoryLinkCheck.Invalid, rotated.Check(Owner, stranger.Create(Owner, 3, TimeSpan.FromHours(1)).Token).Result);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
