using System.Globalization;
using FuncLedger.Functions.Http;
using FuncLedger.TestSupport;

namespace FuncLedger.Functions.Tests;

/// <summary>Holds, reversals and wallet administration over HTTP, called in-process as the other functions are.</summary>
public abstract class HoldHttpTests(ILedgerTestDatabase database) : IAsyncLifetime
{
    private FunctionsHost? _host;

    private FunctionsHost Host => _host ?? throw new InvalidOperationException("Not initialised.");

    public async Task InitializeAsync() => _host = new FunctionsHost(database.Provider, await database.CreateAsync());

    public async Task DisposeAsync() => await Host.DisposeAsync();

    private static string S(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static Dictionary<string, string>? Key(string? key) => key is null ? null : new() { [IdempotencyHeaders.Key] = key };

    private Task<Response> CreditAsync(long owner, long amount)
    {
        var request = Host.Request("POST", $"/api/wallets/{owner}/credit", $$"""{"amount":{{amount}},"reason":"seed"}""");
        return FunctionsHost.SendAsync(request, Host.Function<WalletFunctions>().Credit(request, S(owner), default));
    }

    private Task<Response> DebitAsync(long owner, long amount)
    {
        var request = Host.Request("POST", $"/api/wallets/{owner}/debit", $$"""{"amount":{{amount}},"reason":"spend"}""");
        return FunctionsHost.SendAsync(request, Host.Function<WalletFunctions>().Debit(request, S(owner), default));
    }

    private Task<Response> HoldAsync(long owner, string body, string? key)
    {
        var request = Host.Request("POST", $"/api/wallets/{owner}/holds", body, headers: Key(key));
        return FunctionsHost.SendAsync(request, Host.Function<HoldFunctions>().PlaceHold(request, S(owner), default));
    }

    private Task<Response> CaptureAsync(long hold, string? body)
    {
        var request = Host.Request("POST", $"/api/holds/{hold}/capture", body);
        return FunctionsHost.SendAsync(request, Host.Function<HoldFunctions>().CaptureHold(request, S(hold), default));
    }

    private Task<Response> HoldCallAsync(string method, string path, long hold)
    {
        var request = Host.Request(method, $"/api/holds/{hold}{path}");
        var functions = Host.Function<HoldFunctions>();
        return FunctionsHost.SendAsync(request, method == "GET" ? functions.GetHold(request, S(hold), default)
            : functions.VoidHold(request, S(hold), default));
    }

    private Task<Response> BalanceAsync(long owner)
    {
        var request = Host.Request("GET", $"/api/wallets/{owner}/balance");
        return FunctionsHost.SendAsync(request, Host.Function<WalletFunctions>().Balance(request, S(owner), default));
    }

    private Task<Response> ReverseAsync(long transaction, string body, string? key = null)
    {
        var request = Host.Request("POST", $"/api/transactions/{transaction}/reverse", body, headers: Key(key));
        return FunctionsHost.SendAsync(request, Host.Function<HoldFunctions>().Reverse(request, S(transaction), default));
    }

    [Fact]
    public async Task A_hold_is_201_with_balance_held_available_and_captures_voids_and_reads_answer_as_documented()
    {
        await CreditAsync(1, 100);

        var hold = await HoldAsync(1, """{"amount":60,"reason":"checkout"}""", "cart-1");
        var replay = await HoldAsync(1, """{"amount":60,"reason":"checkout"}""", "cart-1");
        var noKey = await HoldAsync(1, """{"amount":1,"reason":"checkout"}""", null);
        var tooMuch = await HoldAsync(1, """{"amount":41,"reason":"checkout"}""", "cart-2");
        var noOffset = await HoldAsync(1, """{"amount":1,"reason":"x","expiresAt":"2026-11-01T12:05:00"}""", "cart-3");
        var balance = await BalanceAsync(1);
        var id = hold.Json.GetProperty("holdId").GetInt64();
        var partial = await CaptureAsync(id, """{"amount":25,"toOwnerId":2}""");
        var again = await CaptureAsync(id, null);
        var read = await HoldCallAsync("GET", "", id);
        var other = (await HoldAsync(1, """{"amount":10,"reason":"checkout"}""", "cart-4")).Json.GetProperty("holdId").GetInt64();
        var voided = await HoldCallAsync("POST", "/void", other);
        var missing = await HoldCallAsync("GET", "", 999);

        Assert.Equal((201, "pending", 100L, 60L, 40L), (hold.Status, hold.Json.GetProperty("status").GetString(),
            hold.Json.GetProperty("balance").GetInt64(), hold.Json.GetProperty("held").GetInt64(), hold.Json.GetProperty("available").GetInt64()));
        Assert.Equal((201, "true"), (replay.Status, replay.Header(IdempotencyHeaders.Replayed)));
        Assert.Equal((400, "validation"), (noKey.Status, noKey.Code));
        Assert.Equal((409, "insufficient_funds"), (tooMuch.Status, tooMuch.Code));
        Assert.Equal((400, "validation"), (noOffset.Status, noOffset.Code));
        Assert.Equal((60L, 40L), (balance.Json.GetProperty("held").GetInt64(), balance.Json.GetProperty("available").GetInt64()));
        Assert.Equal((200, "captured", 25L, 35L, 75L), (partial.Status, partial.Json.GetProperty("status").GetString(),
            partial.Json.GetProperty("captured").GetInt64(), partial.Json.GetProperty("released").GetInt64(),
            partial.Json.GetProperty("balanceAfter").GetInt64()));
        Assert.Equal((409, "hold_not_pending"), (again.Status, again.Code));
        Assert.Equal(("captured", partial.Json.GetProperty("transactionId").GetInt64()),
            (read.Json.GetProperty("status").GetString(), read.Json.GetProperty("transactionId").GetInt64()));
        Assert.Equal((200, "voided", 10L), (voided.Status, voided.Json.GetProperty("status").GetString(), voided.Json.GetProperty("released").GetInt64()));
        Assert.Equal((404, "hold_not_found"), (missing.Status, missing.Code));
    }

    [Fact]
    public async Task A_reversal_answers_its_entries_and_the_history_links_both_ways()
    {
        var credit = (await CreditAsync(1, 100)).Json.GetProperty("transactionId").GetInt64();

        var part = await ReverseAsync(credit, """{"amount":30,"reason":"partial refund"}""", "rev-1");
        var replay = await ReverseAsync(credit, """{"amount":30,"reason":"partial refund"}""", "rev-1");
        var over = await ReverseAsync(credit, """{"amount":80,"reason":"too much"}""");
        var unknown = await ReverseAsync(credit + 50, """{"reason":"none"}""");
        var request = Host.Request("GET", "/api/wallets/1/transactions");
        var history = await FunctionsHost.SendAsync(request, Host.Function<WalletFunctions>().Transactions(request, "1", default));

        Assert.Equal((200, 30L, -30L, 70L), (part.Status, part.Json.GetProperty("amount").GetInt64(),
            part.Json.GetProperty("legs")[0].GetProperty("amount").GetInt64(), part.Json.GetProperty("legs")[0].GetProperty("balanceAfter").GetInt64()));
        Assert.Equal((part.Body, "true"), (replay.Body, replay.Header(IdempotencyHeaders.Replayed)));
        Assert.Equal((409, "reversal_exceeds_original"), (over.Status, over.Code));
        Assert.Equal((404, "transaction_not_found"), (unknown.Status, unknown.Code));
        var items = history.Json.GetProperty("items");
        Assert.Equal(credit, items[0].GetProperty("reverses").GetInt64());
        Assert.Equal(part.Json.GetProperty("reversalId").GetInt64(), items[1].GetProperty("reversedBy")[0].GetInt64());
    }

    [Fact]
    public async Task Freezing_over_the_admin_route_refuses_debits_with_wallet_frozen_and_records_the_key_id_not_the_key()
    {
        await CreditAsync(1, 100);
        var admin = Host.Function<WalletAdminFunctions>();
        var headers = new Dictionary<string, string> { ["x-functions-key"] = "the-master-key-0123456789" };
        var freeze = Host.Request("POST", "/api/ops/wallets/1/freeze", headers: headers);
        var frozen = await FunctionsHost.SendAsync(freeze, admin.FreezeWallet(freeze, "1", default));

        var refused = await DebitAsync(1, 1);
        var overdraft = Host.Request("PUT", "/api/ops/wallets/1/overdraft", """{"allowOverdraft":true}""", headers: headers);
        var allowed = await FunctionsHost.SendAsync(overdraft, admin.SetOverdraft(overdraft, "1", default));
        var unfreeze = Host.Request("POST", "/api/ops/wallets/1/unfreeze", headers: headers);
        var thawed = await FunctionsHost.SendAsync(unfreeze, admin.UnfreezeWallet(unfreeze, "1", default));

        Assert.Equal((200, true, true), (frozen.Status, frozen.Json.GetProperty("frozen").GetBoolean(), frozen.Json.GetProperty("changed").GetBoolean()));
        Assert.Equal((409, "wallet_frozen"), (refused.Status, refused.Code));
        Assert.True(allowed.Json.GetProperty("allowOverdraft").GetBoolean());
        Assert.False(thawed.Json.GetProperty("frozen").GetBoolean());
        Assert.Equal(200, (await DebitAsync(1, 150)).Status);
        Assert.Equal(3, await Host.ScalarAsync("SELECT COUNT(*) FROM wallet_changes WHERE actor LIKE 'key:%' AND LENGTH(actor) = 16"));
        Assert.Equal(0, await Host.ScalarAsync("SELECT COUNT(*) FROM wallet_changes WHERE actor LIKE '%master%'"));
    }
}

[Collection("functions-sqlite")]
public sealed class HoldHttpSqliteTests(SqliteTestDatabase database) : HoldHttpTests(database);

[Collection("functions-postgres")]
public sealed class HoldHttpPostgresTests(PostgresTestDatabase database) : HoldHttpTests(database);
