using System.Globalization;
using System.Text;
using FuncLedger.Functions.Http;
using FuncLedger.TestSupport;

namespace FuncLedger.Functions.Tests;

/// <summary><c>POST postings</c> called in-process, as the other HTTP functions are.</summary>
public abstract class PostingHttpTests(ILedgerTestDatabase database) : IAsyncLifetime
{
    private FunctionsHost? _host;

    private FunctionsHost Host => _host ?? throw new InvalidOperationException("Not initialised.");

    public async Task InitializeAsync() => _host = new FunctionsHost(database.Provider, await database.CreateAsync());

    public async Task DisposeAsync() => await Host.DisposeAsync();

    private Task<Response> PostAsync(string body, string? key = null)
    {
        var headers = key is null ? null : new Dictionary<string, string> { [IdempotencyHeaders.Key] = key };
        var request = Host.Request("POST", "/api/postings", body, headers: headers);
        return FunctionsHost.SendAsync(request, Host.Function<PostingFunctions>().Posting(request, default));
    }

    private async Task SeedAsync(long owner, long amount)
    {
        var request = Host.Request("POST", $"/api/wallets/{owner}/credit", $$"""{"amount":{{amount}},"reason":"seed"}""");
        var response = await FunctionsHost.SendAsync(request,
            Host.Function<WalletFunctions>().Credit(request, owner.ToString(CultureInfo.InvariantCulture), default));
        Assert.Equal(200, response.Status);
    }

    private Task<Response> ReverseAsync(long postingId, string body, string? key = null)
    {
        var headers = key is null ? null : new Dictionary<string, string> { [IdempotencyHeaders.Key] = key };
        var request = Host.Request("POST", $"/api/postings/{postingId}/reverse", body, headers: headers);
        return FunctionsHost.SendAsync(request,
            Host.Function<PostingFunctions>().ReversePosting(request, postingId.ToString(CultureInfo.InvariantCulture), default));
    }

    [Fact]
    public async Task A_posting_is_reversed_whole_by_its_id_once_and_a_retry_replays()
    {
        await SeedAsync(1, 100);
        var posting = await PostAsync("""{"legs":[{"ownerId":1,"amount":-60},{"ownerId":2,"amount":40},{"ownerId":3,"amount":20}],"reason":"prizes"}""",
            "prizes-1");
        var id = posting.Json.GetProperty("postingId").GetInt64();

        var reversal = await ReverseAsync(id, """{"reason":"cancelled"}""", "undo-prizes-1");
        var retry = await ReverseAsync(id, """{"reason":"cancelled"}""", "undo-prizes-1");
        var again = await ReverseAsync(id, """{"reason":"cancelled"}""", "undo-prizes-2");
        var other = await ReverseAsync(id, """{"reason":"other words"}""", "undo-prizes-1");
        var missing = await ReverseAsync(id + 1_000, """{"reason":"cancelled"}""");

        Assert.Equal(200, reversal.Status);
        Assert.Equal((id, 60L), (reversal.Json.GetProperty("postingId").GetInt64(), reversal.Json.GetProperty("amount").GetInt64()));
        Assert.Equal([60L, -40L, -20L], reversal.Json.GetProperty("legs").EnumerateArray().Select(l => l.GetProperty("amount").GetInt64()));
        Assert.Equal((200, "true", reversal.Body), (retry.Status, retry.Header(IdempotencyHeaders.Replayed), retry.Body));
        Assert.Equal((409, "reversal_exceeds_original"), (again.Status, again.Json.GetProperty("code").GetString()));
        Assert.Equal((422, "idempotency_conflict"), (other.Status, other.Json.GetProperty("code").GetString()));
        Assert.Equal((404, "posting_not_found"), (missing.Status, missing.Json.GetProperty("code").GetString()));
    }

    private static string Legs(IEnumerable<(long Owner, long Amount)> legs) =>
        "[" + string.Join(",", legs.Select(l => $$"""{"ownerId":{{l.Owner}},"amount":{{l.Amount}}}""")) + "]";

    [Fact]
    public async Task A_prize_pool_of_1000_legs_is_one_request_and_its_replay_answers_the_same_body()
    {
        await SeedAsync(1, 99_900);
        var body = $$"""{"legs":{{Legs([(1, -99_900), .. Enumerable.Range(2, 999).Select(o => ((long)o, 100L))])}},"reason":"prize pool"}""";
        Assert.True(Encoding.UTF8.GetByteCount(body) > HttpLimits.RequestBodyBytesMax, "the body is larger than the other routes take");

        var first = await PostAsync(body, "pool-http-1");
        var again = await PostAsync(body, "pool-http-1");

        Assert.Equal(200, first.Status);
        Assert.Equal(1_000, first.Json.GetProperty("legs").GetArrayLength());
        Assert.Equal(0, first.Json.GetProperty("legs")[0].GetProperty("balanceAfter").GetInt64());
        Assert.Equal(100, first.Json.GetProperty("legs")[999].GetProperty("balanceAfter").GetInt64());
        Assert.True(first.Json.GetProperty("postingId").GetInt64() > 0);
        Assert.Equal("pool-http-1", first.Json.GetProperty("idempotencyKey").GetString());
        Assert.Null(first.Header(IdempotencyHeaders.Replayed));
        Assert.Equal((200, "true"), (again.Status, again.Header(IdempotencyHeaders.Replayed)));
        Assert.Equal(first.Body, again.Body);
    }

    [Fact]
    public async Task Unbalanced_incomplete_or_oversized_postings_are_problem_documents_with_stable_codes()
    {
        await SeedAsync(1, 100);

        var unbalanced = await PostAsync($$"""{"legs":{{Legs([(1, -10), (2, 9)])}},"reason":"r"}""");
        var missing = await PostAsync("""{"legs":[{"ownerId":1,"amount":-10},{"ownerId":2}],"reason":"r"}""");
        var one = await PostAsync($$"""{"legs":{{Legs([(1, 10)])}},"reason":"r"}""");
        var twice = await PostAsync($$"""{"legs":{{Legs([(1, -10), (1, 10)])}},"reason":"r"}""");
        var reserved = await PostAsync($$"""{"legs":{{Legs([(1, -10), (2, 10)])}},"reason":"r"}""", "order-1_leg_2");
        var overdraw = await PostAsync($$"""{"legs":{{Legs([(1, -500), (2, 500)])}},"reason":"r"}""");
        var badOwner = await PostAsync($$"""{"legs":{{Legs([(1, -10), (0, 10)])}},"reason":"r"}""");
        var huge = await PostAsync("{\"legs\":[" + new string(' ', HttpLimits.PostingBodyBytesMax) + "],\"reason\":\"r\"}");

        Assert.Equal((400, "unbalanced_posting"), (unbalanced.Status, unbalanced.Code));
        Assert.Equal((400, "validation", "legs[1].amount"), (missing.Status, missing.Code, missing.Json.GetProperty("errors")[0].GetProperty("field").GetString()));
        Assert.Equal((400, "validation"), (one.Status, one.Code));
        Assert.Equal((400, "validation"), (twice.Status, twice.Code));
        Assert.Equal((400, "validation"), (reserved.Status, reserved.Code));
        Assert.Equal((409, "insufficient_funds"), (overdraw.Status, overdraw.Code));
        Assert.Equal((400, "validation"), (badOwner.Status, badOwner.Code));
        Assert.Contains("legs[1].ownerId", badOwner.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal((413, "payload_too_large"), (huge.Status, huge.Code));
    }
}

[Collection("functions-sqlite")]
public sealed class PostingHttpSqliteTests(SqliteTestDatabase database) : PostingHttpTests(database);

[Collection("functions-postgres")]
public sealed class PostingHttpPostgresTests(PostgresTestDatabase database) : PostingHttpTests(database);
