using System.Diagnostics;
using System.Net;
using System.Text.Json;
using FuncLedger.Functions.Http;
using FuncLedger.TestSupport;

namespace FuncLedger.Standalone.Tests;

/// <summary>
/// The operator's payout and reconciliation tooling end to end: <c>funcledger</c> run as a real process (its stdout, stderr
/// and exit code) and the admin routes over HTTP, against the Standalone app on PostgreSQL and Azurite. A requeued message
/// is paid by the app's own queue listener, and exactly once.
/// </summary>
[Collection(StandaloneCollection.Name)]
public sealed class OperatorTests(StandaloneFixture app) : IAsyncLifetime
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    public Task InitializeAsync() => app.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private sealed record Run(int ExitCode, string Stdout, string Stderr)
    {
        public JsonElement Json => JsonDocument.Parse(Stdout).RootElement;
    }

    private async Task<Run> CliAsync(params string[] args)
    {
        var cli = Path.Combine(StandaloneFixture.RepositoryRoot, "src", "FuncLedger.Cli", "bin", Configuration, "net10.0", "funcledger.dll");
        Assert.True(File.Exists(cli), $"{cli} is missing: build the solution first.");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in (string[])[cli, .. args, "--provider", "postgres", "--connection", app.ConnectionString])
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["FUNCLEDGER_STORAGE"] = TestServers.Azurite;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return new Run(process.ExitCode, await stdout, await stderr);
    }

    private Task<long> EntriesAsync(string key) =>
        app.ScalarAsync($"SELECT COUNT(*) FROM ledger_entries WHERE idempotency_key = '{key}'");

    private Task<long> BalanceAsync(long owner) =>
        app.ScalarAsync($"SELECT COALESCE(SUM(cached_balance), 0) FROM wallets WHERE owner_id = {owner}");

    [Fact]
    public async Task Poisoned_payouts_are_listed_and_requeued_by_the_cli_and_the_admin_route_and_each_award_pays_exactly_once()
    {
        // Award A was paid, but its message also sits in the poison queue (a delivery that failed after the commit);
        // award B was poisoned before it paid (an outage longer than five deliveries); C is not an award at all.
        const string a = """{"type":"participation","registrationId":501,"ownerId":61,"amount":40}""";
        const string b = """{"type":"placement","registrationId":502,"ownerId":62,"amount":300,"place":2}""";
        await app.Queue.SendMessageAsync(a);
        await StandaloneFixture.EventuallyAsync(async () => await BalanceAsync(61) == 40, TimeSpan.FromSeconds(30), "award A paid");
        var poisonA = (await app.Poison.SendMessageAsync(a)).Value.MessageId;
        var poisonB = (await app.Poison.SendMessageAsync(b)).Value.MessageId;
        var poisonC = (await app.Poison.SendMessageAsync("this is not json")).Value.MessageId;

        var list = await CliAsync("payouts", "poison", "list", "--json");
        Assert.Equal(0, list.ExitCode);
        Assert.Equal(3, list.Json.GetProperty("approximateCount").GetInt64());
        var listed = list.Json.GetProperty("messages").EnumerateArray().ToDictionary(m => m.GetProperty("messageId").GetString()!);
        Assert.Equal(502, listed[poisonB].GetProperty("registrationId").GetInt64());
        Assert.Equal(2, listed[poisonB].GetProperty("place").GetInt32());
        Assert.Equal(JsonValueKind.Null, listed[poisonC].GetProperty("awardType").ValueKind);
        Assert.DoesNotContain("ownerId", list.Stdout, StringComparison.OrdinalIgnoreCase);
        var text = await CliAsync("payouts", "poison", "list");
        Assert.Contains("placement reg 502 place 2 amount 300", text.Stdout, StringComparison.Ordinal);
        Assert.EndsWith("payout-awards-poison: 3 message(s), 3 shown", text.Stdout.Trim(), StringComparison.Ordinal);

        var dry = await CliAsync("payouts", "poison", "requeue", "--all", "--dry-run");
        Assert.Equal(0, dry.ExitCode);
        Assert.Contains($"would requeue {poisonB}", dry.Stdout, StringComparison.Ordinal);
        Assert.Equal(3, (await app.Poison.GetPropertiesAsync()).Value.ApproximateMessagesCount);

        var neither = await CliAsync("payouts", "poison", "requeue");
        Assert.Equal(2, neither.ExitCode);
        Assert.Equal("error: Name one message (--id ID) or all of them (--all).", neither.Stderr.Trim());
        var missing = await CliAsync("payouts", "poison", "requeue", "--id", "no-such-message");
        Assert.Equal(2, missing.ExitCode);
        Assert.Equal("error: Message no-such-message is not in payout-awards-poison.", missing.Stderr.Trim());

        // B back through the CLI: the app's listener pays it, once.
        var requeueB = await CliAsync("payouts", "poison", "requeue", "--id", poisonB);
        Assert.Equal(0, requeueB.ExitCode);
        Assert.StartsWith($"requeued {poisonB} as ", requeueB.Stdout, StringComparison.Ordinal);
        await StandaloneFixture.EventuallyAsync(async () => await BalanceAsync(62) == 300, TimeSpan.FromSeconds(30), "award B paid");

        // A back through the admin route (master key only): it was paid already, so it pays nothing more.
        Assert.Equal(HttpStatusCode.Unauthorized,
            (await app.SendAsync(HttpMethod.Post, $"/api/ops/payouts/poison/requeue?id={poisonA}")).StatusCode);
        var requeueA = await app.SendAsync(HttpMethod.Post, $"/api/ops/payouts/poison/requeue?id={poisonA}", key: StandaloneFixture.MasterKey);
        Assert.Equal(HttpStatusCode.OK, requeueA.StatusCode);
        Assert.Equal(poisonA, (await StandaloneFixture.JsonAsync(requeueA)).GetProperty("requeued")[0].GetProperty("poisonMessageId").GetString());
        await StandaloneFixture.EventuallyAsync(async () => (await app.Queue.GetPropertiesAsync()).Value.ApproximateMessagesCount == 0,
            TimeSpan.FromSeconds(30), "the payout queue drained");
        var poisonLeft = await StandaloneFixture.JsonAsync(
            await app.SendAsync(HttpMethod.Get, "/api/ops/payouts/poison", key: StandaloneFixture.MasterKey));
        Assert.Equal(poisonC, Assert.Single(poisonLeft.GetProperty("messages").EnumerateArray()).GetProperty("messageId").GetString());
        var again = await app.SendAsync(HttpMethod.Post, $"/api/ops/payouts/poison/requeue?id={poisonA}", key: StandaloneFixture.MasterKey);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal(ProblemCodes.MessageNotFound, (await StandaloneFixture.JsonAsync(again)).GetProperty("code").GetString());

        // --all moves what is left (the body that is not JSON); the app poisons it again after its deliveries.
        var everything = await CliAsync("payouts", "poison", "requeue", "--all");
        Assert.Equal(0, everything.ExitCode);
        Assert.Contains($"requeued {poisonC} as ", everything.Stdout, StringComparison.Ordinal);
        // What is left is counted after the move, while the app may already have poisoned the body again (1): never C twice.
        Assert.Matches("requeued: 1, left in payout-awards-poison: [01]$", everything.Stdout.Trim());
        await StandaloneFixture.EventuallyAsync(async () => (await app.Poison.GetPropertiesAsync()).Value.ApproximateMessagesCount == 1,
            TimeSpan.FromSeconds(45), "the body that is not JSON poisoned again");

        Assert.Equal(40, await BalanceAsync(61));
        Assert.Equal(300, await BalanceAsync(62));
        Assert.Equal(1, await EntriesAsync("participation_award_reg_501"));
        Assert.Equal(1, await EntriesAsync("placement_award_reg_502_place_2"));
        Assert.Equal(0, await app.ScalarAsync("SELECT COUNT(*) FROM payout_rejections"));
    }

    [Fact]
    public async Task Rejections_and_reconciliation_runs_are_listed_by_the_cli_and_the_admin_routes()
    {
        var before = DateTimeOffset.UtcNow.AddSeconds(-1).ToString("O");
        await app.Queue.SendMessageAsync("""{"type":"placement","registrationId":601,"ownerId":71,"amount":100,"place":1}""");
        await app.Queue.SendMessageAsync("""{"type":"placement","registrationId":601,"ownerId":71,"amount":999,"place":1}""");
        await app.Queue.SendMessageAsync("""{"type":"bonus","registrationId":602,"ownerId":71,"amount":5}""");
        await StandaloneFixture.EventuallyAsync(async () => await app.ScalarAsync("SELECT COUNT(*) FROM payout_rejections") == 2,
            TimeSpan.FromSeconds(30), "two rejections recorded");
        Assert.Equal(HttpStatusCode.OK, (await app.SendAsync(HttpMethod.Post, "/api/ops/reconcile?dryRun=false", key: StandaloneFixture.MasterKey)).StatusCode);

        var rejections = await CliAsync("payouts", "rejections", "--since", before, "--json");
        Assert.Equal(0, rejections.ExitCode);
        var codes = rejections.Json.EnumerateArray().Select(r => r.GetProperty("reasonCode").GetString()!).Order().ToArray();
        Assert.Equal(["idempotency_conflict", "validation"], codes);
        Assert.DoesNotContain("ownerId", rejections.Stdout, StringComparison.OrdinalIgnoreCase);
        var later = await CliAsync("payouts", "rejections", "--since", DateTimeOffset.UtcNow.AddMinutes(5).ToString("O"));
        Assert.Equal("rejections: 0", later.Stdout.Trim());
        var text = await CliAsync("payouts", "rejections");
        Assert.Contains("placement reg 601 place 1  idempotency_conflict:", text.Stdout, StringComparison.Ordinal);
        var viaHttp = await StandaloneFixture.JsonAsync(await app.SendAsync(HttpMethod.Get, $"/api/ops/payouts/rejections?since={Uri.EscapeDataString(before)}",
            key: StandaloneFixture.MasterKey));
        Assert.Equal(2, viaHttp.GetProperty("rejections").GetArrayLength());
        Assert.Equal(HttpStatusCode.BadRequest,
            (await app.SendAsync(HttpMethod.Get, "/api/ops/payouts/rejections?count=0", key: StandaloneFixture.MasterKey)).StatusCode);

        var runs = await CliAsync("runs", "--json");
        Assert.Equal(0, runs.ExitCode);
        var run = Assert.Single(runs.Json.EnumerateArray());
        Assert.Equal("http", run.GetProperty("trigger").GetString());
        Assert.True(run.GetProperty("fix").GetBoolean());
        Assert.Contains(" http    fix  wallets 1  drifts 0  corrected 0", (await CliAsync("runs")).Stdout, StringComparison.Ordinal);
        var runsViaHttp = await StandaloneFixture.JsonAsync(await app.SendAsync(HttpMethod.Get, "/api/ops/reconcile/runs", key: StandaloneFixture.MasterKey));
        Assert.Equal(run.GetProperty("id").GetInt64(), Assert.Single(runsViaHttp.GetProperty("runs").EnumerateArray()).GetProperty("id").GetInt64());
        Assert.Equal(2, (await CliAsync("runs", "--count", "0")).ExitCode);
    }
}
