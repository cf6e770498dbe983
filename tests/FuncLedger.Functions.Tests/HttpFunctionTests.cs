using FuncLedger.Core.Domain;
using FuncLedger.Core.Persistence;
using FuncLedger.Functions.Http;
using FuncLedger.TestSupport;

namespace FuncLedger.Functions.Tests;

/// <summary>Each HTTP function called in-process with a real DI container and a DefaultHttpContext.</summary>
public abstract class HttpFunctionTests(ILedgerTestDatabase database) : IAsyncLifetime
{
    private FunctionsHost? _host;

    protected FunctionsHost Host => _host ?? throw new InvalidOperationException("Not initialised.");

    public async Task InitializeAsync() => _host = new FunctionsHost(database.Provider, await database.CreateAsync());

    public async Task DisposeAsync() => await Host.DisposeAsync();

    private static Dictionary<string, string> Key(string key) => new() { [IdempotencyHeaders.Key] = key };

    private Task<Response> CreditAsync(long owner, string body, IDictionary<string, string>? headers = null)
    {
        var request = Host.Request("POST", $"/api/wallets/{owner}/credit", body, headers: headers);
        return FunctionsHost.SendAsync(request, Host.Function<WalletFunctions>().Credit(request, owner.ToString(System.Globalization.CultureInfo.InvariantCulture), default));
    }

    private Task<Response> DebitAsync(string owner, string body, IDictionary<string, string>? headers = null)
    {
        var request = Host.Request("POST", $"/api/wallets/{owner}/debit", body, headers: headers);
        return FunctionsHost.SendAsync(request, Host.Function<WalletFunctions>().Debit(request, owner, default));
    }

    private Task<Response> TransferAsync(string body, IDictionary<string, string>? headers = null)
    {
        var request = Host.Request("POST", "/api/transfers", body, headers: headers);
        return FunctionsHost.SendAsync(request, Host.Function<TransferFunctions>().Transfer(request, default));
    }

    private Task<Response> BalanceAsync(string owner)
    {
        var request = Host.Request("GET", $"/api/wallets/{owner}/balance");
        return FunctionsHost.SendAsync(request, Host.Function<WalletFunctions>().Balance(request, owner, default));
    }

    private Task<Response> HistoryAsync(string owner, string query = "")
    {
        var request = Host.Request("GET", $"/api/wallets/{owner}/transactions{query}");
        return FunctionsHost.SendAsync(request, Host.Function<WalletFunctions>().Transactions(request, owner, default));
    }

    private async Task<long> BalanceOfAsync(long owner) => (await BalanceAsync(owner.ToString(System.Globalization.CultureInfo.InvariantCulture))).Json.GetProperty("balance").GetInt64();

    [Fact]
    public async Task A_client_key_of_a_derived_form_is_refused_so_transfers_and_payouts_keep_their_keys()
    {
        // A credit keyed like a transfer's side would make transfer gift-1 a conflict forever; one keyed like an award would
        // make the real payout a conflict (recorded as a rejection, never paid).
        var side = await CreditAsync(5, """{"amount":10,"reason":"r"}""", Key("gift-1_debit"));
        var award = await CreditAsync(5, """{"amount":10,"reason":"r","idempotencyKey":"placement_award_reg_900_place_1"}""");
        var credit = await CreditAsync(5, """{"amount":100,"reason":"seed"}""");
        var transfer = await TransferAsync("""{"fromOwnerId":5,"toOwnerId":6,"amount":30,"reason":"gift"}""", Key("gift-1"));
        var payout = await Host.Get<Queue.PayoutProcessor>().ProcessAsync("m-900", 1,
            BinaryData.FromString("""{"type":"placement","registrationId":900,"ownerId":5,"amount":500,"place":1}"""), default);

        Assert.Equal((400, "validation"), (side.Status, side.Code));
        Assert.Equal("idempotencyKey", side.Json.GetProperty("errors")[0].GetProperty("field").GetString());
        Assert.Equal((400, "validation"), (award.Status, award.Code));
        Assert.Equal(200, credit.Status);
        Assert.Equal(200, transfer.Status);
        Assert.Equal(Queue.PayoutOutcome.Paid, payout);
        Assert.Equal(100 - 30 + 500, await BalanceOfAsync(5));
    }

    [Fact]
    public async Task Meta_with_a_lone_surrogate_is_a_400_and_writes_nothing()
    {
        var response = await CreditAsync(8, """{"amount":10,"reason":"r","meta":{"note":"\ud800"}}""");

        Assert.Equal((400, "validation"), (response.Status, response.Code));
        Assert.Equal("meta", response.Json.GetProperty("errors")[0].GetProperty("field").GetString());
        Assert.Equal(0, await BalanceOfAsync(8));
    }

    [Fact]
    public async Task A_credit_answers_200_with_the_entry_and_the_new_balance()
    {
        var response = await CreditAsync(42, """{"amount":100,"reason":"welcome bonus","meta":{"campaign":"launch"}}""");

        Assert.Equal(200, response.Status);
        Assert.StartsWith("application/json", response.ContentType);
        Assert.Equal(42, response.Json.GetProperty("ownerId").GetInt64());
        Assert.Equal(100, response.Json.GetProperty("balanceAfter").GetInt64());
        Assert.True(response.Json.GetProperty("transactionId").GetInt64() > 0);
        Assert.Null(response.Header(IdempotencyHeaders.Replayed));
        Assert.Equal(100, await BalanceOfAsync(42));
    }

    [Fact]
    public async Task A_replay_answers_the_original_status_and_body_with_the_replayed_header_and_writes_nothing()
    {
        var first = await CreditAsync(1, """{"amount":100,"reason":"topup"}""", Key("topup-1"));
        var again = await CreditAsync(1, """{"amount":100,"reason":"topup"}""", Key("topup-1"));

        Assert.Equal(first.Status, again.Status);
        Assert.Equal(first.Body, again.Body);
        Assert.Equal("true", again.Header(IdempotencyHeaders.Replayed));
        Assert.Equal(100, await BalanceOfAsync(1));
        Assert.Equal(1, await Host.ScalarAsync("SELECT COUNT(*) FROM ledger_entries"));
    }

    [Fact]
    public async Task The_key_may_come_in_the_body_and_a_header_that_differs_from_it_is_a_400()
    {
        var inBody = await CreditAsync(1, """{"amount":5,"reason":"r","idempotencyKey":"body-key"}""");
        var sameInHeader = await CreditAsync(1, """{"amount":5,"reason":"r"}""", Key("body-key"));
        var differing = await CreditAsync(1, """{"amount":5,"reason":"r","idempotencyKey":"body-key"}""", Key("other-key"));

        Assert.Equal(200, inBody.Status);
        Assert.Equal("true", sameInHeader.Header(IdempotencyHeaders.Replayed));
        Assert.Equal(400, differing.Status);
        Assert.Equal("validation", differing.Code);
        Assert.Equal("idempotencyKey", differing.Json.GetProperty("errors")[0].GetProperty("field").GetString());
        Assert.Equal(5, await BalanceOfAsync(1));
    }

    [Fact]
    public async Task The_same_key_with_a_different_request_is_a_422_idempotency_conflict()
    {
        await CreditAsync(1, """{"amount":100,"reason":"topup"}""", Key("k-1"));
        var conflict = await CreditAsync(1, """{"amount":999,"reason":"topup"}""", Key("k-1"));

        Assert.Equal(422, conflict.Status);
        Assert.Equal("idempotency_conflict", conflict.Code);
        Assert.Equal("application/problem+json; charset=utf-8", conflict.ContentType);
        Assert.Equal("urn:funcledger:problem:idempotency_conflict", conflict.Json.GetProperty("type").GetString());
        Assert.Equal(100, await BalanceOfAsync(1));
    }

    [Fact]
    public async Task A_key_still_in_flight_is_a_409_with_retry_after()
    {
        using (Host.Get<InFlightKeys>().TryClaim("busy-key"))
        {
            var response = await CreditAsync(1, """{"amount":10,"reason":"r"}""", Key("busy-key"));

            Assert.Equal(409, response.Status);
            Assert.Equal("idempotency_in_flight", response.Code);
            Assert.Equal("1", response.Header("Retry-After"));
        }

        var after = await CreditAsync(1, """{"amount":10,"reason":"r"}""", Key("busy-key"));
        Assert.Equal(200, after.Status);
    }

    [Fact]
    public void A_database_that_named_its_own_wait_answers_503_with_that_retry_after_and_one_that_did_not_with_one_second()
    {
        var errors = Host.Get<HttpErrors>();

        // Azure SQL resuming or throttling (40613 asks for 10 s, 40501 for 15 s): the service's own wait, rounded up.
        var resuming = errors.Map(new LedgerUnavailableException(new TimeoutException(), TimeSpan.FromSeconds(14.2)), "/api/x");
        var busy = errors.Map(new LedgerUnavailableException(new TimeoutException()), "/api/x");

        Assert.Equal((503, "15"), (resuming.StatusCode, resuming.Headers["Retry-After"]));
        Assert.Equal((503, "1"), (busy.StatusCode, busy.Headers["Retry-After"]));
        Assert.Equal("service_unavailable", resuming.Value.Code);
    }

    [Fact]
    public async Task A_debit_beyond_the_balance_is_a_409_insufficient_funds_and_changes_nothing()
    {
        await CreditAsync(7, """{"amount":50,"reason":"seed"}""");

        var response = await DebitAsync("7", """{"amount":80,"reason":"shop"}""");

        Assert.Equal(409, response.Status);
        Assert.Equal("insufficient_funds", response.Code);
        Assert.Equal(50, response.Json.GetProperty("balance").GetInt64());
        Assert.Equal(80, response.Json.GetProperty("amount").GetInt64());
        Assert.Equal(50, await BalanceOfAsync(7));
    }

    [Fact]
    public async Task A_keyed_409_insufficient_funds_is_answered_again_on_retry_even_after_a_top_up()
    {
        await CreditAsync(8, """{"amount":50,"reason":"seed"}""");
        var first = await DebitAsync("8", """{"amount":80,"reason":"shop"}""", Key("order-80"));
        await CreditAsync(8, """{"amount":100,"reason":"top-up"}""");

        var again = await DebitAsync("8", """{"amount":80,"reason":"shop"}""", Key("order-80"));

        Assert.Equal((409, "insufficient_funds"), (first.Status, first.Code));
        Assert.Null(first.Header(IdempotencyHeaders.Replayed));
        Assert.Equal((409, "insufficient_funds"), (again.Status, again.Code));
        Assert.Equal("true", again.Header(IdempotencyHeaders.Replayed));
        Assert.Equal(50, again.Json.GetProperty("balance").GetInt64());
        Assert.Equal(80, again.Json.GetProperty("amount").GetInt64());
        Assert.Equal(150, await BalanceOfAsync(8));
    }

    [Fact]
    public async Task The_balance_route_answers_the_balance_at_an_instant_and_refuses_a_time_without_an_offset()
    {
        await CreditAsync(9, """{"amount":50,"reason":"seed"}""");
        var before = await BalanceAtAsync("9", "2000-01-01T00:00:00Z");
        var later = await BalanceAtAsync("9", "2999-01-01T01:00:00+01:00");
        var local = await BalanceAtAsync("9", "2026-11-20T00:00:00");
        var garbage = await BalanceAtAsync("9", "yesterday");

        Assert.Equal((200, 0L), (before.Status, before.Json.GetProperty("balance").GetInt64()));
        Assert.Equal("2000-01-01T00:00:00+00:00", before.Json.GetProperty("asOf").GetString());
        Assert.Equal((200, 50L), (later.Status, later.Json.GetProperty("balance").GetInt64()));
        Assert.Equal("2999-01-01T00:00:00+00:00", later.Json.GetProperty("asOf").GetString());
        Assert.False((await BalanceAsync("9")).Json.TryGetProperty("asOf", out _));
        Assert.Equal((400, "validation", "asOf"), (local.Status, local.Code, local.Json.GetProperty("errors")[0].GetProperty("field").GetString()));
        Assert.Equal((400, "validation"), (garbage.Status, garbage.Code));
    }

    [Fact]
    public async Task History_pages_by_cursor_with_filters_and_offset_keeps_working()
    {
        for (var i = 1; i <= 5; i++)
        {
            await CreditAsync(11, $$"""{"amount":{{i}},"reason":"r{{i}}"}""");
        }

        await DebitAsync("11", """{"amount":1,"reason":"spend"}""");
        var first = await HistoryAsync("11", "?limit=2");
        var second = await HistoryAsync("11", "?limit=2&cursor=" + Uri.EscapeDataString(first.Json.GetProperty("nextCursor").GetString()!));
        var offset = await HistoryAsync("11", "?limit=2&offset=2");
        var credits = await HistoryAsync("11", "?limit=10&type=credit");
        var both = await HistoryAsync("11", "?limit=2&offset=2&type=debit");
        var badType = await HistoryAsync("11", "?type=refund");
        var tampered = await HistoryAsync("11", "?cursor=abc.def");

        Assert.Equal(2, first.Json.GetProperty("nextOffset").GetInt32());
        Assert.Equal(["r4", "r3"], second.Json.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("reason").GetString()));
        Assert.Equal(["r4", "r3"], offset.Json.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("reason").GetString()));
        Assert.Equal(5, credits.Json.GetProperty("items").GetArrayLength());
        Assert.False(credits.Json.TryGetProperty("nextCursor", out _));
        Assert.Equal((400, "offset"), (both.Status, both.Json.GetProperty("errors")[0].GetProperty("field").GetString()));
        Assert.Equal((400, "type"), (badType.Status, badType.Json.GetProperty("errors")[0].GetProperty("field").GetString()));
        Assert.Equal((400, "cursor"), (tampered.Status, tampered.Json.GetProperty("errors")[0].GetProperty("field").GetString()));
    }

    private Task<Response> BalanceAtAsync(string owner, string asOf)
    {
        var request = Host.Request("GET", $"/api/wallets/{owner}/balance?asOf={Uri.EscapeDataString(asOf)}");
        return FunctionsHost.SendAsync(request, Host.Function<WalletFunctions>().Balance(request, owner, default));
    }

    [Fact]
    public async Task A_debit_of_an_owner_without_a_wallet_is_a_404()
    {
        var response = await DebitAsync("404", """{"amount":1,"reason":"shop"}""");

        Assert.Equal(404, response.Status);
        Assert.Equal("wallet_not_found", response.Code);
    }

    [Fact]
    public async Task A_transfer_moves_coins_and_a_self_transfer_is_a_400()
    {
        await CreditAsync(1, """{"amount":100,"reason":"seed"}""");

        var moved = await TransferAsync("""{"fromOwnerId":1,"toOwnerId":2,"amount":30,"reason":"gift"}""", Key("gift-1"));
        var self = await TransferAsync("""{"fromOwnerId":1,"toOwnerId":1,"amount":30,"reason":"gift"}""");

        Assert.Equal(200, moved.Status);
        Assert.Equal(70, moved.Json.GetProperty("fromBalanceAfter").GetInt64());
        Assert.Equal(30, moved.Json.GetProperty("toBalanceAfter").GetInt64());
        Assert.Equal("gift-1", moved.Json.GetProperty("idempotencyKey").GetString());
        Assert.Equal(400, self.Status);
        Assert.Equal("self_transfer", self.Code);
        Assert.Equal(70, await BalanceOfAsync(1));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("1000000000001")]
    public async Task An_amount_out_of_range_is_a_400_invalid_amount(string amount)
    {
        var response = await CreditAsync(1, $$"""{"amount":{{amount}},"reason":"r"}""");

        Assert.Equal(400, response.Status);
        Assert.Equal("invalid_amount", response.Code);
        Assert.Equal(0, await Host.ScalarAsync("SELECT COUNT(*) FROM wallets"));
    }

    [Theory]
    [InlineData("""{"amount":10,"reason":"r","extra":1}""", "extra")]
    [InlineData("""{"amount":"10","reason":"r"}""", "amount")]
    [InlineData("""{"amount":1.5,"reason":"r"}""", "amount")]
    [InlineData("""{"amount":99999999999999999999999,"reason":"r"}""", "amount")]
    [InlineData("""{"amount":10,"reason":7}""", "reason")]
    [InlineData("""[1,2]""", "$")]
    public async Task Unknown_fields_and_wrong_types_are_a_400_naming_the_field(string body, string field)
    {
        var response = await CreditAsync(1, body);

        Assert.Equal(400, response.Status);
        Assert.Equal("validation", response.Code);
        Assert.Equal(field, response.Json.GetProperty("errors")[0].GetProperty("field").GetString());
        Assert.DoesNotContain("System.", response.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_fields_are_all_listed_in_one_400()
    {
        var response = await TransferAsync("""{"amount":5}""");

        Assert.Equal(400, response.Status);
        Assert.Equal(["fromOwnerId", "toOwnerId", "reason"],
            response.Json.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()));
    }

    [Theory]
    [InlineData("{\"amount\":10,")]
    [InlineData("not json")]
    [InlineData("")]
    [InlineData("{\"amount\":10,\"amount\":20,\"reason\":\"r\"}")]
    public async Task Malformed_json_is_a_400_never_a_500(string body)
    {
        var response = await CreditAsync(1, body);

        Assert.Equal(400, response.Status);
        Assert.Contains(response.Code, new[] { "malformed_json", "validation" });
        Assert.Equal(0, await Host.ScalarAsync("SELECT COUNT(*) FROM ledger_entries"));
    }

    [Fact]
    public async Task A_body_over_the_limit_is_a_413()
    {
        var reason = new string('x', HttpLimits.RequestBodyBytesMax);
        var response = await CreditAsync(1, $$"""{"amount":10,"reason":"{{reason}}"}""");

        Assert.Equal(413, response.Status);
        Assert.Equal("payload_too_large", response.Code);
    }

    [Fact]
    public async Task A_body_that_is_not_json_by_content_type_is_a_415()
    {
        var request = Host.Request("POST", "/api/wallets/1/credit", "amount=10", "application/x-www-form-urlencoded");
        var response = await FunctionsHost.SendAsync(request, Host.Function<WalletFunctions>().Credit(request, "1", default));

        Assert.Equal(415, response.Status);
        Assert.Equal("unsupported_media_type", response.Code);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("0")]
    [InlineData("-3")]
    [InlineData("99999999999999999999")]
    public async Task An_owner_id_that_is_not_a_positive_integer_is_a_400(string owner)
    {
        var response = await BalanceAsync(owner);

        Assert.Equal(400, response.Status);
        Assert.Equal("ownerId", response.Json.GetProperty("errors")[0].GetProperty("field").GetString());
    }

    [Fact]
    public async Task The_balance_of_an_unknown_owner_is_zero()
    {
        var response = await BalanceAsync("555");

        Assert.Equal(200, response.Status);
        Assert.Equal(0, response.Json.GetProperty("balance").GetInt64());
    }

    [Fact]
    public async Task History_pages_newest_first_with_a_next_offset_until_the_last_page()
    {
        for (var i = 1; i <= 5; i++)
        {
            await CreditAsync(3, $$"""{"amount":{{i}},"reason":"r{{i}}"}""");
        }

        var first = await HistoryAsync("3", "?limit=2");
        var last = await HistoryAsync("3", "?limit=2&offset=4");
        var invalid = await HistoryAsync("3", "?limit=500");
        var notANumber = await HistoryAsync("3", "?offset=x");

        Assert.Equal([5L, 4L], first.Json.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("amount").GetInt64()));
        Assert.Equal(2, first.Json.GetProperty("nextOffset").GetInt32());
        Assert.Equal([1L], last.Json.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("amount").GetInt64()));
        Assert.False(last.Json.TryGetProperty("nextOffset", out _));
        Assert.Equal(400, invalid.Status);
        Assert.Equal(400, notANumber.Status);
        Assert.Equal("offset", notANumber.Json.GetProperty("errors")[0].GetProperty("field").GetString());
    }

    [Fact]
    public async Task Reconcile_is_a_dry_run_unless_asked_and_the_fix_corrects_only_drifted_wallets()
    {
        await CreditAsync(1, """{"amount":100,"reason":"seed"}""");
        await CreditAsync(2, """{"amount":50,"reason":"seed"}""");
        await Host.ExecuteAsync("UPDATE wallets SET cached_balance = 90 WHERE owner_id = 1");

        var dry = await ReconcileAsync("");
        Assert.Equal(200, dry.Status);
        Assert.True(dry.Json.GetProperty("dryRun").GetBoolean());
        Assert.Equal(1, dry.Json.GetProperty("driftCount").GetInt64());
        Assert.Equal(10, dry.Json.GetProperty("drifts")[0].GetProperty("delta").GetInt64());
        Assert.Equal(0, dry.Json.GetProperty("drifts")[0].GetProperty("cachedHeld").GetInt64());
        Assert.Equal(0, dry.Json.GetProperty("drifts")[0].GetProperty("pendingHeld").GetInt64());
        Assert.Equal(90, await BalanceOfAsync(1));

        var fix = await ReconcileAsync("?dryRun=false");
        Assert.Equal(1, fix.Json.GetProperty("correctionsApplied").GetInt64());
        Assert.Equal(100, await BalanceOfAsync(1));
        Assert.Equal(50, await BalanceOfAsync(2));

        var bad = await ReconcileAsync("?dryRun=maybe");
        Assert.Equal(400, bad.Status);
    }

    private Task<Response> ReconcileAsync(string query)
    {
        var request = Host.Request("POST", "/api/ops/reconcile" + query);
        return FunctionsHost.SendAsync(request, Host.Function<AdminFunctions>().Reconcile(request, default));
    }

    [Fact]
    public async Task Readiness_is_200_when_the_database_is_reachable_and_current_and_the_queue_answers()
    {
        await using var host = new FunctionsHost(Host.Provider, Host.ConnectionString,
            new Dictionary<string, string?> { ["AzureWebJobsStorage"] = TestServers.Azurite });
        var response = await ReadinessAsync(host);

        Assert.Equal(200, response.Status);
        Assert.Equal(("ready", "reachable", "reachable"), (response.Json.GetProperty("status").GetString(),
            response.Json.GetProperty("database").GetString(), response.Json.GetProperty("queue").GetString()));
        Assert.Empty(response.Json.GetProperty("pendingMigrations").EnumerateArray());
    }

    [Fact]
    public async Task Readiness_is_503_when_the_app_has_no_queue_storage_to_pay_awards_from()
    {
        var response = await ReadinessAsync(Host);

        Assert.Equal(503, response.Status);
        Assert.Equal(("not_ready", "reachable", "not_configured"), (response.Json.GetProperty("status").GetString(),
            response.Json.GetProperty("database").GetString(), response.Json.GetProperty("queue").GetString()));
    }

    internal static Task<Response> ReadinessAsync(FunctionsHost host)
    {
        var request = host.Request("GET", "/api/ops/health");
        return FunctionsHost.SendAsync(request, host.Function<HealthFunctions>().Readiness(request, default));
    }

    internal static Task<Response> LivenessAsync(FunctionsHost host)
    {
        var request = host.Request("GET", "/api/health");
        return FunctionsHost.SendAsync(request, Task.FromResult(host.Function<HealthFunctions>().Health(request)));
    }
}

[Collection("functions-sqlite")]
public sealed class HttpFunctionSqliteTests(SqliteTestDatabase database) : HttpFunctionTests(database)
{
    [Fact]
    public async Task Readiness_is_503_while_migrations_are_pending_and_liveness_still_200_naming_nothing()
    {
        await using var host = new FunctionsHost(LedgerProvider.Sqlite, database.Unmigrated(),
            new Dictionary<string, string?> { ["AzureWebJobsStorage"] = TestServers.Azurite });
        var ready = await ReadinessAsync(host);
        var alive = await LivenessAsync(host);

        Assert.Equal(503, ready.Status);
        Assert.Equal("not_ready", ready.Json.GetProperty("status").GetString());
        Assert.NotEmpty(ready.Json.GetProperty("pendingMigrations").EnumerateArray());
        Assert.Equal(200, alive.Status);
        Assert.Equal("""{"status":"alive"}""", alive.Body);
    }

    [Fact]
    public async Task Liveness_makes_no_database_round_trip_and_readiness_reports_an_unreachable_database()
    {
        await using var host = new FunctionsHost(LedgerProvider.Postgres, "Host=127.0.0.1;Port=1;Username=x;Password=y;Timeout=2",
            new Dictionary<string, string?> { ["AzureWebJobsStorage"] = TestServers.Azurite });

        var alive = await LivenessAsync(host);
        var ready = await ReadinessAsync(host);

        Assert.Equal(200, alive.Status);
        Assert.Equal(503, ready.Status);
        Assert.Equal(("unreachable", "reachable"), (ready.Json.GetProperty("database").GetString(), ready.Json.GetProperty("queue").GetString()));
    }

    [Fact]
    public async Task An_unexpected_database_error_is_a_500_with_no_internal_text()
    {
        await using var host = new FunctionsHost(LedgerProvider.Sqlite, database.Unmigrated());
        var request = host.Request("POST", "/api/wallets/1/credit", """{"amount":10,"reason":"r"}""");
        var response = await FunctionsHost.SendAsync(request, host.Function<WalletFunctions>().Credit(request, "1", default));

        Assert.Equal(500, response.Status);
        Assert.Equal("internal_error", response.Code);
        Assert.DoesNotContain("no such table", response.Body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Sqlite", response.Body, StringComparison.OrdinalIgnoreCase);
        // The log names the request and the error's type, never the error's text (it can quote data).
        Assert.Contains(host.Logs.Lines, l => l.Contains("[4002]", StringComparison.Ordinal) && l.Contains("SqliteException", StringComparison.Ordinal)
            && l.Contains(response.Json.GetProperty("instance").GetString()!, StringComparison.Ordinal));
    }
}

[Collection("functions-postgres")]
public sealed class HttpFunctionPostgresTests(PostgresTestDatabase database) : HttpFunctionTests(database);

[CollectionDefinition("functions-sqlite")]
public sealed class FunctionsSqliteCollection : ICollectionFixture<SqliteTestDatabase>;

[CollectionDefinition("functions-postgres")]
public sealed class FunctionsPostgresCollection : ICollectionFixture<PostgresTestDatabase>;
