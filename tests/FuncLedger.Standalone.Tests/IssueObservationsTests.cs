using System.Net;

namespace FuncLedger.Standalone.Tests;

/// <summary>
/// The four observations of "One key, one operation", repeated black-box over real HTTP against Standalone as a client of a
/// money API would: one key reused across kinds, a capture and a void retried after a lost answer, a reversal out of a frozen
/// wallet, and overdraft withdrawn on a negative wallet.
/// </summary>
[Collection(StandaloneCollection.Name)]
public sealed class IssueObservationsTests(StandaloneFixture app) : IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<(int Status, string? Code, System.Text.Json.JsonElement Json, bool Replayed)> PostAsync(string path, string? body,
        string? idempotencyKey = null, string? key = StandaloneFixture.FunctionKey, string method = "POST")
    {
        var response = await app.SendAsync(new HttpMethod(method), path, body, key, idempotencyKey);
        var json = await StandaloneFixture.JsonAsync(response);
        var code = json.ValueKind == System.Text.Json.JsonValueKind.Object && json.TryGetProperty("code", out var c) ? c.GetString() : null;
        return ((int)response.StatusCode, code, json, response.Headers.Contains("Idempotent-Replayed"));
    }

    [Fact]
    public async Task One_key_reused_for_a_transfer_and_a_posting_after_a_credit_is_422_and_moves_nothing()
    {
        var credit = await PostAsync("/api/wallets/1/credit", """{"amount":100,"reason":"seed"}""", "dup-1");
        var transfer = await PostAsync("/api/transfers", """{"fromOwnerId":1,"toOwnerId":2,"amount":10,"reason":"gift"}""", "dup-1");
        var posting = await PostAsync("/api/postings",
            """{"legs":[{"ownerId":1,"amount":-10},{"ownerId":2,"amount":10}],"reason":"split"}""", "dup-1");

        Assert.Equal(200, credit.Status);
        Assert.Equal((422, "idempotency_conflict"), (transfer.Status, transfer.Code));
        Assert.Equal((422, "idempotency_conflict"), (posting.Status, posting.Code));
        Assert.Equal(100, await app.ScalarAsync("SELECT cached_balance FROM wallets WHERE owner_id = 1"));
        Assert.Equal(1, await app.ScalarAsync("SELECT COUNT(*) FROM ledger_entries"));
    }

    [Fact]
    public async Task A_capture_and_a_void_retried_with_their_keys_answer_their_first_200_replayed()
    {
        await PostAsync("/api/wallets/1/credit", """{"amount":100,"reason":"seed"}""");
        var hold = (await PostAsync("/api/wallets/1/holds", """{"amount":40,"reason":"cart"}""", "hold-1")).Json.GetProperty("holdId").GetInt64();
        var other = (await PostAsync("/api/wallets/1/holds", """{"amount":10,"reason":"cart"}""", "hold-2")).Json.GetProperty("holdId").GetInt64();

        var capture = await PostAsync($"/api/holds/{hold}/capture", """{"amount":30,"toOwnerId":2}""", "capture-1");
        var captureAgain = await PostAsync($"/api/holds/{hold}/capture", """{"amount":30,"toOwnerId":2}""", "capture-1");
        var voided = await PostAsync($"/api/holds/{other}/void", null, "void-1");
        var voidAgain = await PostAsync($"/api/holds/{other}/void", null, "void-1");
        var captureOther = await PostAsync($"/api/holds/{hold}/capture", """{"amount":30,"toOwnerId":2}""", "capture-2");

        Assert.Equal((200, false, 200, true), (capture.Status, capture.Replayed, captureAgain.Status, captureAgain.Replayed));
        Assert.Equal(capture.Json.ToString(), captureAgain.Json.ToString());
        Assert.Equal((200, false, 200, true), (voided.Status, voided.Replayed, voidAgain.Status, voidAgain.Replayed));
        Assert.Equal((409, "hold_not_pending"), (captureOther.Status, captureOther.Code));
        var after = await app.SendAsync(HttpMethod.Get, $"/api/holds/{hold}");
        var json = await StandaloneFixture.JsonAsync(after);
        Assert.Equal((capture.Json.GetProperty("transactionId").GetInt64(), capture.Json.GetProperty("creditTransactionId").GetInt64()),
            (json.GetProperty("transactionId").GetInt64(), json.GetProperty("creditTransactionId").GetInt64()));
        Assert.Equal((70L, 30L), (await app.ScalarAsync("SELECT cached_balance FROM wallets WHERE owner_id = 1"),
            await app.ScalarAsync("SELECT cached_balance FROM wallets WHERE owner_id = 2")));
    }

    [Fact]
    public async Task A_reversal_out_of_a_frozen_wallet_is_409_wallet_frozen()
    {
        await PostAsync("/api/wallets/901/credit", """{"amount":500,"reason":"seed"}""");
        var incoming = await PostAsync("/api/transfers", """{"fromOwnerId":901,"toOwnerId":902,"amount":100,"reason":"gift"}""");
        await PostAsync("/api/ops/wallets/902/freeze", """{"reason":"fraud review"}""", key: StandaloneFixture.MasterKey);

        var transferOut = await PostAsync("/api/transfers", """{"fromOwnerId":902,"toOwnerId":901,"amount":100,"reason":"out"}""");
        var reversal = await PostAsync($"/api/transactions/{incoming.Json.GetProperty("debitTransactionId").GetInt64()}/reverse",
            """{"reason":"take it back"}""");
        var adjustment = await PostAsync("/api/ops/wallets/902/adjustments", """{"amount":-100,"reason":"chargeback"}""", "adj-902",
            key: StandaloneFixture.MasterKey);
        var withFunctionKey = await PostAsync("/api/ops/wallets/902/adjustments", """{"amount":-1,"reason":"x"}""");

        Assert.Equal((409, "wallet_frozen"), (transferOut.Status, transferOut.Code));
        Assert.Equal((409, "wallet_frozen"), (reversal.Status, reversal.Code));
        Assert.Equal((200, 0L), (adjustment.Status, adjustment.Json.GetProperty("balanceAfter").GetInt64()));
        Assert.Equal(401, withFunctionKey.Status);
        Assert.Equal("chargeback", await app.ScalarTextAsync("SELECT reason FROM wallet_changes WHERE change = 'adjustment'"));
    }

    [Fact]
    public async Task Overdraft_withdrawn_on_a_negative_wallet_is_200_and_a_debit_after_it_409()
    {
        await PostAsync("/api/ops/wallets/903/overdraft", """{"allowOverdraft":true}""", key: StandaloneFixture.MasterKey, method: "PUT");
        await PostAsync("/api/wallets/903/credit", """{"amount":10,"reason":"seed"}""");
        await PostAsync("/api/wallets/903/debit", """{"amount":60,"reason":"float"}""");

        var off = await PostAsync("/api/ops/wallets/903/overdraft", """{"allowOverdraft":false,"reason":"float abused"}""",
            key: StandaloneFixture.MasterKey, method: "PUT");
        var debit = await PostAsync("/api/wallets/903/debit", """{"amount":1,"reason":"more"}""");
        var credit = await PostAsync("/api/wallets/903/credit", """{"amount":20,"reason":"repay"}""");

        Assert.Equal((200, false), (off.Status, off.Json.GetProperty("allowOverdraft").GetBoolean()));
        Assert.Equal((409, "insufficient_funds"), (debit.Status, debit.Code));
        Assert.Equal((200, -30L), (credit.Status, credit.Json.GetProperty("balanceAfter").GetInt64()));
        Assert.Equal("float abused", await app.ScalarTextAsync("SELECT reason FROM wallet_changes WHERE change = 'overdraft_off'"));
    }
}
