using System.Net;
using FuncLedger.Core.Reconciliation;

namespace FuncLedger.Standalone.Tests;

/// <summary>Over real HTTP against Standalone, PostgreSQL and Azurite: routes, errors, replays, keys, payouts, the timer.</summary>
[Collection(StandaloneCollection.Name)]
public sealed class EndToEndTests(StandaloneFixture app) : IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<long> BalanceAsync(long owner)
    {
        var response = await app.SendAsync(HttpMethod.Get, $"/api/wallets/{owner}/balance");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await StandaloneFixture.JsonAsync(response)).GetProperty("balance").GetInt64();
    }

    [Fact]
    public async Task Every_route_serves_its_function()
    {
        var credit = await app.SendAsync(HttpMethod.Post, "/api/wallets/1/credit", """{"amount":100,"reason":"seed"}""");
        var debit = await app.SendAsync(HttpMethod.Post, "/api/wallets/1/debit", """{"amount":10,"reason":"shop"}""");
        var transfer = await app.SendAsync(HttpMethod.Post, "/api/transfers", """{"fromOwnerId":1,"toOwnerId":2,"amount":40,"reason":"gift"}""");
        var history = await app.SendAsync(HttpMethod.Get, "/api/wallets/1/transactions?limit=2&offset=0");
        var reconcile = await app.SendAsync(HttpMethod.Post, "/api/ops/reconcile?dryRun=true", key: StandaloneFixture.MasterKey);
        var health = await app.SendAsync(HttpMethod.Get, "/api/health", key: null);
        var ready = await app.SendAsync(HttpMethod.Get, "/api/ops/health", key: StandaloneFixture.MasterKey);

        Assert.All(new[] { credit, debit, transfer, history, reconcile, health, ready }, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(50, await BalanceAsync(1));
        Assert.Equal(40, await BalanceAsync(2));
        var page = await StandaloneFixture.JsonAsync(history);
        Assert.Equal([-40L, -10L], page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("amount").GetInt64()));
        Assert.Equal(["transfer", "debit"], page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("source").GetString()));
        Assert.Equal(0, (await StandaloneFixture.JsonAsync(reconcile)).GetProperty("driftCount").GetInt64());
        Assert.Equal("alive", (await StandaloneFixture.JsonAsync(health)).GetProperty("status").GetString());
        Assert.Equal("ready", (await StandaloneFixture.JsonAsync(ready)).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.SendAsync(HttpMethod.Get, "/api/ops/health")).StatusCode);
    }

    [Theory]
    [InlineData("POST", "/api/wallets/1/credit", """{"amount":0,"reason":"r"}""", "application/json", 400, "invalid_amount")]
    [InlineData("POST", "/api/wallets/1/credit", """{"amount":5}""", "application/json", 400, "validation")]
    [InlineData("POST", "/api/wallets/1/credit", """{"amount":5,"reason":"r","bogus":true}""", "application/json", 400, "validation")]
    [InlineData("POST", "/api/wallets/1/credit", """{"amount":5,""", "application/json", 400, "malformed_json")]
    [InlineData("POST", "/api/wallets/1/credit", "amount=5", "text/plain", 415, "unsupported_media_type")]
    [InlineData("POST", "/api/wallets/9/debit", """{"amount":5,"reason":"r"}""", "application/json", 404, "wallet_not_found")]
    [InlineData("POST", "/api/wallets/1/debit", """{"amount":500,"reason":"r"}""", "application/json", 409, "insufficient_funds")]
    [InlineData("POST", "/api/transfers", """{"fromOwnerId":1,"toOwnerId":1,"amount":5,"reason":"r"}""", "application/json", 400, "self_transfer")]
    [InlineData("GET", "/api/wallets/x/balance", null, "application/json", 400, "validation")]
    public async Task Every_error_is_a_problem_document_with_its_stable_code(string method, string path, string? body, string contentType, int status, string code)
    {
        await app.SendAsync(HttpMethod.Post, "/api/wallets/1/credit", """{"amount":100,"reason":"seed"}""");

        var response = await app.SendAsync(new HttpMethod(method), path, body, contentType: contentType);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await StandaloneFixture.JsonAsync(response);
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.Equal("urn:funcledger:problem:" + code, problem.GetProperty("type").GetString());
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
        Assert.Equal(100, await BalanceAsync(1));
    }

    [Fact]
    public async Task A_body_over_the_limit_is_a_413()
    {
        var response = await app.SendAsync(HttpMethod.Post, "/api/wallets/1/credit", $$"""{"amount":5,"reason":"{{new string('x', 20_000)}}"}""");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("payload_too_large", (await StandaloneFixture.JsonAsync(response)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_replay_answers_the_original_status_and_body_and_a_changed_request_is_a_422()
    {
        await app.SendAsync(HttpMethod.Post, "/api/wallets/1/credit", """{"amount":100,"reason":"seed"}""");
        const string body = """{"fromOwnerId":1,"toOwnerId":2,"amount":25,"reason":"gift"}""";

        var first = await app.SendAsync(HttpMethod.Post, "/api/transfers", body, idempotencyKey: "gift-7");
        var again = await app.SendAsync(HttpMethod.Post, "/api/transfers", body, idempotencyKey: "gift-7");
        var changed = await app.SendAsync(HttpMethod.Post, "/api/transfers", body.Replace("25", "26", StringComparison.Ordinal), idempotencyKey: "gift-7");

        Assert.Equal(first.StatusCode, again.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await again.Content.ReadAsStringAsync());
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal((HttpStatusCode)422, changed.StatusCode);
        Assert.Equal("idempotency_conflict", (await StandaloneFixture.JsonAsync(changed)).GetProperty("code").GetString());
        Assert.Equal(75, await BalanceAsync(1));
        Assert.Equal(1, await app.ScalarAsync("SELECT COUNT(*) FROM ledger_entries WHERE idempotency_key = 'gift-7_debit'"));
    }

    [Fact]
    public async Task Keys_are_enforced_as_azure_enforces_them()
    {
        var missing = await app.SendAsync(HttpMethod.Get, "/api/wallets/1/balance", key: null);
        var wrong = await app.SendAsync(HttpMethod.Get, "/api/wallets/1/balance", key: "not-a-key-not-a-key");
        var inQuery = await app.SendAsync(HttpMethod.Get, $"/api/wallets/1/balance?code={StandaloneFixture.FunctionKey}", key: null);
        var master = await app.SendAsync(HttpMethod.Get, "/api/wallets/1/balance", key: StandaloneFixture.MasterKey);
        var functionKeyOnAdmin = await app.SendAsync(HttpMethod.Post, "/api/ops/reconcile");
        var noKeyOnAdmin = await app.SendAsync(HttpMethod.Post, "/api/ops/reconcile", key: null);
        var writeWithoutKey = await app.SendAsync(HttpMethod.Post, "/api/wallets/1/credit", """{"amount":5,"reason":"r"}""", key: null);

        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, inQuery.StatusCode);
        Assert.Equal(HttpStatusCode.OK, master.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, functionKeyOnAdmin.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, noKeyOnAdmin.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, writeWithoutKey.StatusCode);
        Assert.Equal(0, await app.ScalarAsync("SELECT COUNT(*) FROM wallets"));
    }

    [Fact]
    public async Task A_payout_message_is_paid_once_even_when_delivered_twice()
    {
        const string message = """{"type":"placement","registrationId":31,"ownerId":8,"amount":500,"place":1}""";
        await app.Queue.SendMessageAsync(message);
        await app.Queue.SendMessageAsync(message);
        await app.Queue.SendMessageAsync("""{"type":"participation","registrationId":31,"ownerId":8,"amount":25}""");

        await StandaloneFixture.EventuallyAsync(async () => await app.ScalarAsync("SELECT COUNT(*) FROM ledger_entries") == 2
            && (await app.Queue.GetPropertiesAsync()).Value.ApproximateMessagesCount == 0, TimeSpan.FromSeconds(30), "both awards paid and the queue drained");
        await Task.Delay(500);

        Assert.Equal(525, await BalanceAsync(8));
        Assert.Equal(2, await app.ScalarAsync("SELECT COUNT(*) FROM ledger_entries"));
        Assert.Equal(0, await app.ScalarAsync("SELECT COUNT(*) FROM payout_rejections"));
    }

    [Fact]
    public async Task A_conflicting_payout_is_recorded_as_rejected_and_completes()
    {
        await app.Queue.SendMessageAsync("""{"type":"placement","registrationId":41,"ownerId":9,"amount":500,"place":2}""");
        await StandaloneFixture.EventuallyAsync(async () => await app.ScalarAsync("SELECT COUNT(*) FROM ledger_entries") == 1,
            TimeSpan.FromSeconds(30), "the first award paid");

        await app.Queue.SendMessageAsync("""{"type":"placement","registrationId":41,"ownerId":9,"amount":900,"place":2}""");
        await StandaloneFixture.EventuallyAsync(async () => await app.ScalarAsync("SELECT COUNT(*) FROM payout_rejections") == 1,
            TimeSpan.FromSeconds(30), "the conflicting award rejected");

        Assert.Equal("idempotency_conflict", await ReasonAsync());
        Assert.Equal(500, await BalanceAsync(9));
        await StandaloneFixture.EventuallyAsync(async () => (await app.Queue.GetPropertiesAsync()).Value.ApproximateMessagesCount == 0,
            TimeSpan.FromSeconds(10), "the rejected message completed");
        Assert.Equal(0, (await app.Poison.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    private async Task<string> ReasonAsync()
    {
        await using var connection = new Npgsql.NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT reason_code FROM payout_rejections", connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task A_malformed_payout_message_goes_to_the_poison_queue_on_its_first_delivery_and_pays_nothing()
    {
        var sent = (await app.Queue.SendMessageAsync("this is not json")).Value;

        await StandaloneFixture.EventuallyAsync(async () => (await app.Poison.GetPropertiesAsync()).Value.ApproximateMessagesCount == 1,
            TimeSpan.FromSeconds(45), "the message in payout-awards-poison");

        var poisoned = (await app.Poison.ReceiveMessageAsync()).Value;
        Assert.Equal("this is not json", poisoned.Body.ToString());
        Assert.Equal(0, (await app.Queue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
        Assert.Equal(0, await app.ScalarAsync("SELECT COUNT(*) FROM ledger_entries"));
        // Delivered once, logged once as a warning without a stack trace, never retried.
        var lines = app.Logs.Lines.Where(l => l.Contains(sent.MessageId, StringComparison.Ordinal)).ToList();
        Assert.Single(lines, l => l.Contains("[5003]", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("[7002]", StringComparison.Ordinal) || l.Contains("   at ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_timer_function_runs_on_demand_with_the_master_key_and_writes_its_run_record()
    {
        await app.SendAsync(HttpMethod.Post, "/api/wallets/1/credit", """{"amount":100,"reason":"seed"}""");
        await app.ExecuteAsync("UPDATE wallets SET cached_balance = 7");

        var refused = await app.SendAsync(HttpMethod.Post, "/admin/functions/NightlyReconciliation", "{}");
        var run = await app.SendAsync(HttpMethod.Post, "/admin/functions/NightlyReconciliation", "{}", key: StandaloneFixture.MasterKey);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, run.StatusCode);
        Assert.Equal(1, await app.ScalarAsync($"SELECT COUNT(*) FROM reconciliation_runs WHERE trigger = '{ReconciliationTriggers.Timer}' AND drift_count = 1 AND NOT fix"));
        Assert.Equal(7, await BalanceAsync(1));
    }
}
