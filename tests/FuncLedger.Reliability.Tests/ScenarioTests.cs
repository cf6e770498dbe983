using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using FuncLedger.TestSupport;
using Npgsql;
using Xunit.Abstractions;

namespace FuncLedger.Reliability.Tests;

/// <summary>Load, crash, database restart, queue faults, bad input and key/log discipline, against Standalone as a
/// real process over HTTP with PostgreSQL and Azurite; the invariants are checked after each.</summary>
/// <remarks>The scenarios here run on every engine of the run; those that need PostgreSQL's own tools (a server
/// restart, a PL/pgSQL fault trigger) are in <see cref="ScenarioTests"/>.</remarks>
public abstract class Scenarios(ReliabilityFixture fx, ITestOutputHelper output) : IAsyncLifetime
{
    protected ReliabilityFixture Fx => fx;

    protected ITestOutputHelper Output => output;

    public Task InitializeAsync() => fx.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>Waits until the clients have sent the given share of the load's writes, so a fault always lands
    /// mid-load however fast the machine is.</summary>
    protected static async Task WhenSentAsync(LoadLedger load, double share)
    {
        var target = (long)(share * Profile.Clients * Profile.OperationsPerClient * 0.7);
        while (Interlocked.Read(ref load.Sent) < target)
        {
            await Task.Delay(5);
        }
    }

    protected async Task<LoadLedger> LoadAsync(string run, Func<LoadLedger, Task>? fault = null)
    {
        var load = new LoadLedger();
        using var http = fx.Client();
        var client = new LoadClient(http, load);
        await MixedWorkload.SeedAsync(client, run);
        var clients = Enumerable.Range(0, Profile.Clients)
            .Select(c => Task.Run(() => MixedWorkload.RunAsync(client, load, run, c, Profile.OperationsPerClient, Profile.Seed)))
            .ToList();
        if (fault is not null)
        {
            await fault(load);
        }

        await Task.WhenAll(clients);
        return load;
    }

    [Fact]
    public async Task Mixed_load_with_replays_conflicts_and_hot_wallets_keeps_every_invariant()
    {
        var load = await LoadAsync("load");

        var report = await Invariants.CheckAsync(fx, load);
        Assert.True(load.Replays > 0 && load.Conflicts > 0 && !load.Rejected.IsEmpty);
        AssertEveryKindAcknowledged(load);
        ReliabilityFixture.Summary(output, "mixed load", load, 0, report);
    }

    [Fact]
    public async Task A_killed_process_loses_nothing_and_every_retried_write_applies_once()
    {
        var load = await LoadAsync("crash", async running =>
        {
            for (var cycle = 0; cycle < Profile.CrashCycles; cycle++)
            {
                await WhenSentAsync(running, (cycle + 1.0) / (Profile.CrashCycles + 1));
                fx.Server.Kill();
                await Task.Delay(300);
                await fx.Server.StartAsync();
            }
        });

        var report = await Invariants.CheckAsync(fx, load);
        Assert.True(load.ConnectionErrors > 0, "the kill cut no request off: the fault was not injected mid-load");
        AssertEveryKindAcknowledged(load);
        ReliabilityFixture.Summary(output, $"kill -9 x{Profile.CrashCycles}", load, Profile.CrashCycles, report);
    }

    /// <summary>The load really mixed every primitive in: each kind of write was acknowledged at least once.</summary>
    protected static void AssertEveryKindAcknowledged(LoadLedger load)
    {
        var kinds = load.Acknowledged.Values.Select(a => a.Write.Kind).ToHashSet();
        Assert.All(new[] { "credit", "debit", "transfer", "posting", "hold", "capture", "void", "reverse" },
            kind => Assert.True(kinds.Contains(kind), $"no {kind} was acknowledged"));
    }

    protected async Task<long> CountAsync(string sql)
    {
        await using var connection = FuncLedger.TestSupport.Sql.Open(fx.Provider, fx.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? 0 : Convert.ToInt64(value, CultureInfo.InvariantCulture);
    }

    protected static async Task Eventually(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task A_thousand_malicious_requests_get_4xx_problem_documents_and_change_nothing()
    {
        using var http = fx.Client();
        var load = new LoadLedger();
        var client = new LoadClient(http, load);
        await client.WriteAsync(new Write("credit", 1, 0, 500, "bad-seed-1"));
        await client.WriteAsync(new Write("credit", 2, 0, 500, "bad-seed-2"));
        var before = await SnapshotAsync();
        var requests = BadInput.Generate(new Random(Profile.Seed), Profile.Long ? 5_000 : 1_000);

        var answers = new List<(BadInput.Request Request, int Status, string? ContentType, string Body)>();
        foreach (var request in requests)
        {
            using var message = request.ToMessage();
            using var response = await http.SendAsync(message);
            answers.Add((request, (int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync()));
        }

        Assert.All(answers, a =>
        {
            Assert.True(a.Status is >= 400 and < 500, $"{a.Request}: {a.Status} {a.Body}");
            Assert.Equal("application/problem+json", a.ContentType);
            Assert.StartsWith("urn:funcledger:problem:", JsonDocument.Parse(a.Body).RootElement.GetProperty("type").GetString(), StringComparison.Ordinal);
        });
        Assert.Equal(before, await SnapshotAsync());
        output.WriteLine($"bad input: {answers.Count} requests, statuses {string.Join(", ", answers.GroupBy(a => a.Status).OrderBy(g => g.Key).Select(g => $"{g.Key} x{g.Count()}"))}");
        ReliabilityFixture.Summary(output, $"bad input x{answers.Count}", load, answers.Count, await Invariants.CheckAsync(fx, load));
    }

    private async Task<string> SnapshotAsync() => string.Join(',',
        await CountAsync("SELECT COUNT(*) FROM ledger_entries"),
        await CountAsync("SELECT COALESCE(SUM(cached_balance * id), 0) FROM wallets"),
        await CountAsync("SELECT COUNT(*) FROM wallets"));


}

/// <summary>Every scenario on PostgreSQL, with those that use its own tools: a server restart mid-load, a PL/pgSQL
/// trigger that injects a transient fault into one award, and the key and log discipline.</summary>
[Collection(ReliabilityCollection.Name)]
public sealed class ScenarioTests(ReliabilityFixture fx, ITestOutputHelper output) : Scenarios(fx, output)
{
    [Fact]
    public async Task A_database_restart_mid_load_fails_cleanly_and_loses_nothing()
    {
        var load = await LoadAsync("pgrestart", async running =>
        {
            await WhenSentAsync(running, 0.3);
            await RestartPostgresAsync();
        });

        var report = await Invariants.CheckAsync(Fx, load);
        // Requests cut off by the restart answered 503 problem details (retried by the client) or lost their
        // connection; none answered 500.
        Assert.DoesNotContain(500, load.UnexpectedStatuses);
        Assert.True(load.ServiceUnavailable + load.ConnectionErrors > 0, "the restart cut no request off");
        AssertEveryKindAcknowledged(load);
        ReliabilityFixture.Summary(Output, "PostgreSQL restart", load, 1, report);
    }

    private static Task RestartPostgresAsync() => PostgresClusterAsync("restart");

    private static async Task PostgresClusterAsync(string action)
    {
        var version = Directory.GetDirectories("/usr/lib/postgresql").Select(Path.GetFileName).OrderBy(v => int.Parse(v!, CultureInfo.InvariantCulture)).Last();
        using var run = Process.Start(new ProcessStartInfo("pg_ctlcluster", $"{version} main {action}") { RedirectStandardError = true })!;
        await run.WaitForExitAsync();
        Assert.True(run.ExitCode == 0, $"pg_ctlcluster {action} failed: " + await run.StandardError.ReadToEndAsync());
    }

    [Fact]
    public async Task Payout_awards_that_arrive_while_the_database_is_down_are_all_paid_once_after_it_returns_and_none_is_poisoned()
    {
        const int awards = 500;
        var messages = Enumerable.Range(1, awards)
            .Select(r => $$"""{"type":"participation","registrationId":{{70_000 + r}},"ownerId":{{(r % 50) + 1}},"amount":{{r}}}""")
            .ToList();
        var started = Stopwatch.StartNew();
        await PostgresClusterAsync("stop");
        try
        {
            await Parallel.ForEachAsync(messages, new ParallelOptions { MaxDegreeOfParallelism = 16 },
                async (m, ct) => await Fx.Queue.SendMessageAsync(m, ct));
            // The whole outage passes with the awards bouncing off the database, each a fresh message every ~2 s.
            await Task.Delay(Profile.Outage - started.Elapsed > TimeSpan.Zero ? Profile.Outage - started.Elapsed : TimeSpan.Zero);
            Assert.Equal(0, (await Fx.Poison.GetPropertiesAsync()).Value.ApproximateMessagesCount);
        }
        finally
        {
            await PostgresClusterAsync("start");
        }

        var outage = started.Elapsed;
        await Eventually(async () =>
        {
            try
            {
                return await CountAsync("SELECT COUNT(*) FROM ledger_entries") == awards;
            }
            catch (NpgsqlException)
            {
                return false;
            }
        }, TimeSpan.FromMinutes(3));
        var paidAfter = started.Elapsed - outage;

        Assert.Equal(awards * (awards + 1) / 2, await CountAsync("SELECT SUM(amount) FROM ledger_entries"));
        Assert.Equal(awards, await CountAsync("SELECT COUNT(DISTINCT idempotency_key) FROM ledger_entries"));
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM payout_rejections"));
        Assert.Equal(0, (await Fx.Poison.GetPropertiesAsync()).Value.ApproximateMessagesCount);
        var deferrals = Fx.Server.Lines.Count(l => l.Contains("[5004]", StringComparison.Ordinal));
        Assert.True(deferrals >= awards, $"only {deferrals} deferrals: the outage did not reach the awards");
        var report = await Invariants.CheckAsync(Fx);
        Output.WriteLine($"outage {outage.TotalSeconds:F0} s, {deferrals} deferrals, all {awards} paid {paidAfter.TotalSeconds:F1} s after the restart");
        ReliabilityFixture.Summary(Output, $"database down {outage.TotalSeconds:F0} s under 500 awards", new LoadLedger { Sent = awards }, 1, report);
    }

    [Fact]
    public async Task Queue_faults_pay_every_award_exactly_once()
    {
        const int registrations = 60;
        await using (var connection = new NpgsqlConnection(Fx.ConnectionString))
        {
            await connection.OpenAsync();
            // One award fails twice with a connection-class error, then succeeds (a sequence is not rolled back).
            await using var fault = new NpgsqlCommand("""
                CREATE SEQUENCE IF NOT EXISTS test_fault_seq;
                SELECT setval('test_fault_seq', 1, false);
                CREATE OR REPLACE FUNCTION test_fault() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  IF NEW.idempotency_key = 'participation_award_reg_9001' AND nextval('test_fault_seq') <= 2 THEN
                    RAISE EXCEPTION 'injected transient fault' USING ERRCODE = '08006';
                  END IF;
                  RETURN NEW;
                END $$;
                DROP TRIGGER IF EXISTS test_fault ON ledger_entries;
                CREATE TRIGGER test_fault BEFORE INSERT ON ledger_entries FOR EACH ROW EXECUTE FUNCTION test_fault();
                """, connection);
            await fault.ExecuteNonQueryAsync();
        }

        var messages = new List<string>();
        for (var r = 1; r <= registrations; r++)
        {
            // Placements out of order, then the participation award, each message twice.
            messages.Add($$"""{"type":"placement","registrationId":{{r}},"ownerId":{{r}},"amount":100,"place":2}""");
            messages.Add($$"""{"type":"placement","registrationId":{{r}},"ownerId":{{r}},"amount":300,"place":1}""");
            messages.Add($$"""{"type":"participation","registrationId":{{r}},"ownerId":{{r}},"amount":10}""");
        }

        messages.Add("""{"type":"participation","registrationId":9001,"ownerId":9001,"amount":10}""");
        var all = messages.Concat(messages).ToList();
        all.Add("this message is not json");
        await Parallel.ForEachAsync(all, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (m, ct) => await Fx.Queue.SendMessageAsync(m, ct));

        // Kill the process while a batch is in flight; the messages it held come back after their lease.
        await Task.Delay(400);
        Fx.Server.Kill();
        await Fx.Server.StartAsync();

        var expected = (registrations * 3) + 1;
        await Eventually(async () => await CountAsync("SELECT COUNT(*) FROM ledger_entries") == expected
            && (await Fx.Poison.GetPropertiesAsync()).Value.ApproximateMessagesCount == 1, TimeSpan.FromMinutes(6));

        // The injected fault fired twice before the award went through (three calls of the sequence).
        Assert.True(await CountAsync("SELECT last_value FROM test_fault_seq") >= 3, "the transient fault was not injected");
        await CountAsync("DROP TRIGGER test_fault ON ledger_entries");
        Assert.Equal(registrations * 410 + 10, await CountAsync("SELECT COALESCE(SUM(amount), 0) FROM ledger_entries"));
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM payout_rejections"));
        var report = await Invariants.CheckAsync(Fx);
        var load = new LoadLedger { Sent = all.Count };
        ReliabilityFixture.Summary(Output, "queue faults (dup, order, transient x2, malformed, kill)", load, 4, report);
    }

    [Fact]
    public async Task Only_health_answers_without_a_key_admin_refuses_function_keys_and_logs_hold_no_owner_data_or_secret()
    {
        using var http = Fx.Client();
        var load = new LoadLedger();
        var client = new LoadClient(http, load);
        const long owner = 86_753_090_123;
        const string name = "Zebulon Quartermaine";
        const string email = "zebulon.q@example.net";

        foreach (var (method, path) in new[]
        {
            ("POST", $"/api/wallets/{owner}/credit"), ("POST", $"/api/wallets/{owner}/debit"), ("POST", "/api/transfers"),
            ("GET", $"/api/wallets/{owner}/balance"), ("GET", $"/api/wallets/{owner}/transactions"), ("POST", "/api/ops/reconcile"),
        })
        {
            var (status, body, _) = await client.SendAsync(method, path, method == "POST" ? "{}" : null, null, functionKey: null);
            Assert.Equal(401, status);
            Assert.Equal("unauthorized", JsonDocument.Parse(body).RootElement.GetProperty("code").GetString());
        }

        Assert.Equal(200, (await client.SendAsync("GET", "/api/health", null, null, functionKey: null)).Status);
        Assert.Equal(401, (await client.SendAsync("POST", "/api/ops/reconcile", null, null)).Status);
        Assert.Equal(200, (await client.SendAsync("POST", "/api/ops/reconcile", null, null, StandaloneProcess.MasterKey)).Status);

        // Planted owner data through every path that logs: writes, errors, a drift, a reconciliation, a payout.
        var meta = $$"""{"name":"{{name}}","email":"{{email}}"}""";
        var problems = new List<string>
        {
            (await client.SendAsync("POST", $"/api/wallets/{owner}/credit", $$"""{"amount":50,"reason":"prize for {{name}}","meta":{{meta}}}""", "pii-1")).Body,
            (await client.SendAsync("POST", $"/api/wallets/{owner}/debit", $$"""{"amount":5000,"reason":"shop for {{name}}"}""", "pii-2")).Body,
            (await client.SendAsync("POST", $"/api/wallets/{owner}/credit", $$"""{"amount":999,"reason":"prize for {{name}}","meta":{{meta}}}""", "pii-1")).Body,
            (await client.SendAsync("POST", "/api/transfers", $$"""{"fromOwnerId":{{owner}},"toOwnerId":{{owner}},"amount":1,"reason":"{{email}}"}""", null)).Body,
            (await client.SendAsync("POST", $"/api/wallets/{owner}/credit", $$"""{"amount":"x","reason":"{{email}}"}""", null)).Body,
        };
        await CountAsync($"UPDATE wallets SET cached_balance = cached_balance + 1 WHERE owner_id = {owner} RETURNING 0");
        await client.SendAsync("POST", "/api/ops/reconcile?dryRun=false", null, null, StandaloneProcess.MasterKey);
        await Fx.Queue.SendMessageAsync($$"""{"type":"participation","registrationId":5,"ownerId":{{owner}},"amount":10}""");
        await Eventually(async () => await CountAsync("SELECT COUNT(*) FROM ledger_entries WHERE reason = 'participation_award'") == 1, TimeSpan.FromSeconds(30));
        await Task.Delay(500);

        foreach (var problem in problems.Skip(1))
        {
            Assert.Contains("urn:funcledger:problem:", problem, StringComparison.Ordinal);
            foreach (var planted in new[] { owner.ToString(CultureInfo.InvariantCulture), "Zebulon", "Quartermaine", email })
            {
                Assert.DoesNotContain(planted, problem, StringComparison.OrdinalIgnoreCase);
            }
        }

        var logs = string.Join('\n', Fx.Server.Lines);
        Assert.Contains("drifts", logs, StringComparison.Ordinal);
        foreach (var planted in new[] { owner.ToString(CultureInfo.InvariantCulture), "Zebulon", "Quartermaine", email,
            StandaloneProcess.FunctionKey, StandaloneProcess.MasterKey, "Password=", "AccountKey=" })
        {
            Assert.DoesNotContain(planted, logs, StringComparison.OrdinalIgnoreCase);
        }

        ReliabilityFixture.Summary(Output, "keys and log discipline", load, 0, await Invariants.CheckAsync(Fx));
    }
}

/// <summary>The load, kill -9 and bad-input scenarios on SQL Server (the opt-in lane, FUNCLEDGER_TEST_SQLSERVER).</summary>
[SqlServerLane, Collection(SqlServerReliabilityCollection.Name)]
public sealed class SqlServerScenarioTests(SqlServerReliabilityFixture fx, ITestOutputHelper output) : Scenarios(fx, output);
