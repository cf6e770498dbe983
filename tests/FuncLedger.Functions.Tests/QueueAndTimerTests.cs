using FuncLedger.Core.Persistence;
using FuncLedger.Core.Domain;
using FuncLedger.Core.Payouts;
using FuncLedger.Core.Reconciliation;
using FuncLedger.Functions.Queue;
using FuncLedger.Hosting;
using FuncLedger.Functions.Timer;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using FuncLedger.TestSupport;
using Microsoft.Azure.Functions.Worker;

namespace FuncLedger.Functions.Tests;

/// <summary>The payout queue function's processing and the nightly timer, in-process on a real database.</summary>
public abstract class QueueAndTimerTests(ILedgerTestDatabase database) : IAsyncLifetime
{
    private string _connection = "";
    private FunctionsHost? _host;

    protected FunctionsHost Host => _host ?? throw new InvalidOperationException("Not initialised.");

    public async Task InitializeAsync()
    {
        _connection = await database.CreateAsync();
        _host = new FunctionsHost(database.Provider, _connection);
    }

    public async Task DisposeAsync() => await Host.DisposeAsync();

    private Task<PayoutOutcome> PayAsync(string messageId, string json, long dequeueCount = 1) =>
        Host.Get<PayoutProcessor>().ProcessAsync(messageId, dequeueCount, BinaryData.FromString(json), default);

    private Task<long> BalanceAsync(long owner) =>
        Host.ScalarAsync($"SELECT COALESCE(SUM(cached_balance), 0) FROM wallets WHERE owner_id = {owner}");

    [Fact]
    public async Task A_participation_and_a_placement_award_are_paid_with_their_deterministic_keys()
    {
        Assert.Equal(PayoutOutcome.Paid, await PayAsync("m1", """{"type":"participation","registrationId":11,"ownerId":5,"amount":25}"""));
        Assert.Equal(PayoutOutcome.Paid, await PayAsync("m2", """{"type":"placement","registrationId":11,"ownerId":5,"amount":500,"place":1}"""));

        Assert.Equal(525, await BalanceAsync(5));
        Assert.Equal(1, await Host.ScalarAsync("SELECT COUNT(*) FROM ledger_entries WHERE idempotency_key = 'participation_award_reg_11'"));
        Assert.Equal(1, await Host.ScalarAsync("SELECT COUNT(*) FROM ledger_entries WHERE idempotency_key = 'placement_award_reg_11_place_1'"));
    }

    [Fact]
    public async Task The_queue_function_pays_the_message_it_is_given_as_the_worker_binds_it()
    {
        var message = Azure.Storage.Queues.Models.QueuesModelFactory.QueueMessage("msg-1", "pop", """{"type":"participation","registrationId":21,"ownerId":4,"amount":30}""", 1);

        await Host.Function<PayoutAwardsFunction>().PayoutAwards(message, default);
        await Host.Function<PayoutAwardsFunction>().PayoutAwards(message, default);

        Assert.Equal(30, await BalanceAsync(4));
        Assert.Equal(1, await Host.ScalarAsync("SELECT COUNT(*) FROM ledger_entries"));
    }

    [Fact]
    public async Task Concurrent_awards_share_transactions_and_each_is_paid_exactly_once()
    {
        var batcher = Host.Get<PayoutWriter>();
        var before = batcher.Batches;
        var messages = Enumerable.Range(1, 120)
            .Select(r => $$"""{"type":"participation","registrationId":{{r}},"ownerId":{{(r % 10) + 1}},"amount":5}""").ToList();
        messages.AddRange(messages.Take(20));

        var outcomes = await Task.WhenAll(messages.Select((m, i) => Task.Run(() => PayAsync($"m{i}", m))));

        Assert.Equal(120, outcomes.Count(o => o == PayoutOutcome.Paid));
        Assert.Equal(20, outcomes.Count(o => o == PayoutOutcome.AlreadyPaid));
        Assert.Equal(600, await Host.ScalarAsync("SELECT SUM(cached_balance) FROM wallets"));
        Assert.Equal(120, await Host.ScalarAsync("SELECT COUNT(*) FROM ledger_entries"));
        Assert.InRange(batcher.Batches - before, 1, messages.Count - 1);
    }

    [Fact]
    public async Task A_conflicting_award_in_a_batch_is_rejected_alone_and_the_others_are_paid()
    {
        await PayAsync("first", """{"type":"placement","registrationId":7,"ownerId":1,"amount":500,"place":1}""");
        var messages = Enumerable.Range(100, 30)
            .Select(r => $$"""{"type":"participation","registrationId":{{r}},"ownerId":2,"amount":1}""")
            .Append("""{"type":"placement","registrationId":7,"ownerId":1,"amount":900,"place":1}""").ToList();

        var outcomes = await Task.WhenAll(messages.Select((m, i) => Task.Run(() => PayAsync($"b{i}", m))));

        Assert.Equal(30, outcomes.Count(o => o == PayoutOutcome.Paid));
        Assert.Equal(PayoutOutcome.Rejected, outcomes[^1]);
        Assert.Equal(30, await BalanceAsync(2));
        Assert.Equal(500, await BalanceAsync(1));
        Assert.Equal("idempotency_conflict", Assert.Single(await Host.Get<IPayoutRejections>().RecentAsync(10)).ReasonCode);
    }

    [Fact]
    public async Task A_redelivered_message_pays_nothing_more()
    {
        const string message = """{"type":"participation","registrationId":12,"ownerId":6,"amount":25}""";
        await PayAsync("m1", message);

        Assert.Equal(PayoutOutcome.AlreadyPaid, await PayAsync("m1", message, dequeueCount: 2));
        Assert.Equal(PayoutOutcome.AlreadyPaid, await PayAsync("m1-copy", message));
        Assert.Equal(25, await BalanceAsync(6));
        Assert.Equal(1, await Host.ScalarAsync("SELECT COUNT(*) FROM ledger_entries"));
    }

    [Fact]
    public async Task A_conflicting_award_is_recorded_as_rejected_and_completes_without_paying()
    {
        await PayAsync("m1", """{"type":"placement","registrationId":13,"ownerId":7,"amount":500,"place":2}""");

        var outcome = await PayAsync("m2", """{"type":"placement","registrationId":13,"ownerId":7,"amount":900,"place":2}""");

        Assert.Equal(PayoutOutcome.Rejected, outcome);
        Assert.Equal(500, await BalanceAsync(7));
        var rejection = Assert.Single(await Host.Get<IPayoutRejections>().RecentAsync(10));
        Assert.Equal(("m2", "idempotency_conflict", 13L, 2), (rejection.MessageId, rejection.ReasonCode, rejection.RegistrationId, rejection.Place));
    }

    [Theory]
    [InlineData("""{"type":"bonus","registrationId":1,"ownerId":1,"amount":5}""", "validation")]
    [InlineData("""{"type":"placement","registrationId":1,"ownerId":1,"amount":5}""", "validation")]
    [InlineData("""{"type":"participation","registrationId":1,"ownerId":1,"amount":5,"place":3}""", "validation")]
    [InlineData("""{"type":"participation","registrationId":1,"ownerId":1,"amount":5,"email":"x@y.z"}""", "validation")]
    [InlineData("""{"type":"participation","registrationId":1,"ownerId":1,"amount":"5"}""", "validation")]
    [InlineData("""{"type":"participation","registrationId":1,"ownerId":1,"amount":-5}""", "invalid_amount")]
    [InlineData("""{"type":"participation","registrationId":1,"ownerId":0,"amount":5}""", "validation")]
    [InlineData("""[]""", "validation")]
    public async Task An_invalid_message_is_recorded_once_with_its_reason_and_pays_nothing(string json, string reason)
    {
        Assert.Equal(PayoutOutcome.Rejected, await PayAsync("bad-1", json));
        Assert.Equal(PayoutOutcome.Rejected, await PayAsync("bad-1", json, dequeueCount: 2));

        var rejection = Assert.Single(await Host.Get<IPayoutRejections>().RecentAsync(10));
        Assert.Equal(reason, rejection.ReasonCode);
        Assert.DoesNotContain("x@y.z", rejection.Detail, StringComparison.Ordinal);
        Assert.Equal(0, await Host.ScalarAsync("SELECT COUNT(*) FROM ledger_entries"));
    }

    [Fact]
    public async Task The_nightly_run_records_drifted_wallet_ids_and_fixes_only_when_configured()
    {
        await Host.Get<Core.Operations.ILedger>().CreditAsync(1, 100, "seed");
        await Host.Get<Core.Operations.ILedger>().CreditAsync(2, 100, "seed");
        await Host.ExecuteAsync("UPDATE wallets SET cached_balance = 1 WHERE owner_id = 2");
        var drifted = await Host.ScalarAsync("SELECT id FROM wallets WHERE owner_id = 2");
        var timer = new TimerInfo { ScheduleStatus = new ScheduleStatus() };

        await Host.Function<NightlyReconciliationFunction>().NightlyReconciliation(timer, default);

        var run = Assert.Single(await Host.Get<IReconciler>().RecentRunsAsync(5));
        Assert.Equal((ReconciliationTriggers.Timer, false, 2L, 1L, 0L), (run.Trigger, run.Fix, run.WalletsChecked, run.DriftCount, run.CorrectionsApplied));
        Assert.Equal(drifted.ToString(System.Globalization.CultureInfo.InvariantCulture), run.DriftedWalletIds);
        Assert.Equal(1, await BalanceAsync(2));
        Assert.Contains(Host.Logs.Lines, l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains($"Wallet {drifted} drifts", StringComparison.Ordinal));

        await using var fixing = new FunctionsHost(database.Provider, _connection, new Dictionary<string, string?> { ["Reconcile:FixDrift"] = "true" });
        await fixing.Function<NightlyReconciliationFunction>().NightlyReconciliation(timer, default);

        Assert.Equal(100, await BalanceAsync(2));
        Assert.Equal(1, (await Host.Get<IReconciler>().RecentRunsAsync(5))[0].CorrectionsApplied);
    }
}

[Collection("functions-sqlite")]
public sealed class QueueAndTimerSqliteTests(SqliteTestDatabase database) : QueueAndTimerTests(database);

[Collection("functions-postgres")]
public sealed class QueueAndTimerPostgresTests(PostgresTestDatabase database) : QueueAndTimerTests(database)
{
    private static readonly QueueClientOptions Base64 = new() { MessageEncoding = QueueMessageEncoding.Base64 };

    /// <summary>The message with <paramref name="body"/> once it is visible on <paramref name="queue"/>, received and deleted
    /// (others are made visible again at once).</summary>
    private static async Task<QueueMessage> ReceiveAsync(string queue, string body, TimeSpan timeout)
    {
        var client = new QueueClient(TestServers.Azurite, queue, Base64);
        await client.CreateIfNotExistsAsync();
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            foreach (var message in (await client.ReceiveMessagesAsync(32, TimeSpan.FromSeconds(5))).Value)
            {
                if (message.Body.ToString() == body)
                {
                    await client.DeleteMessageAsync(message.MessageId, message.PopReceipt);
                    return message;
                }

                await client.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.Zero);
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"no message with {body} on {queue}");
    }

    [Theory]
    [InlineData("not json at all {0}")]
    [InlineData("{{\"type\": {0}")]
    public async Task A_message_that_is_not_json_goes_to_the_poison_queue_on_its_first_delivery_and_pays_nothing(string format)
    {
        var body = string.Format(System.Globalization.CultureInfo.InvariantCulture, format, Guid.NewGuid());
        await using var host = new FunctionsHost(LedgerProvider.Postgres, Host.ConnectionString,
            new Dictionary<string, string?> { [PayoutQueue.Connection] = TestServers.Azurite });

        var outcome = await host.Get<PayoutProcessor>().ProcessAsync("junk", 1, BinaryData.FromString(body), default);

        Assert.Equal(PayoutOutcome.Poisoned, outcome);
        Assert.Equal(1, (await ReceiveAsync(PayoutQueue.PoisonName, body, TimeSpan.FromSeconds(10))).DequeueCount);
        Assert.Equal(0, await Host.ScalarAsync("SELECT COUNT(*) FROM payout_rejections"));
        Assert.DoesNotContain(host.Logs.Lines, l => l.Contains("   at ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_award_that_finds_the_database_unavailable_goes_back_to_the_queue_as_a_fresh_message_and_pays_later()
    {
        var registration = Random.Shared.NextInt64(1_000_000, long.MaxValue / 2);
        var body = $$"""{"type":"participation","registrationId":{{registration}},"ownerId":77,"amount":40}""";
        var settings = new Dictionary<string, string?>
        {
            [PayoutQueue.Connection] = TestServers.Azurite,
            ["Payouts:UnavailableRetryDelaySeconds"] = "1",
        };
        await using var down = new FunctionsHost(LedgerProvider.Postgres, "Host=127.0.0.1;Port=1;Username=x;Password=y;Timeout=2", settings);

        var outcome = await down.Get<PayoutProcessor>().ProcessAsync("m-down", 4, BinaryData.FromString(body), default);

        Assert.Equal(PayoutOutcome.Deferred, outcome);
        Assert.Contains(down.Logs.Lines, l => l.Contains("[5004]", StringComparison.Ordinal));
        // A new message (its deliveries counted from one again), invisible for about the delay, with the same body.
        var again = await ReceiveAsync(PayoutQueue.Name, body, TimeSpan.FromSeconds(15));
        Assert.Equal(1, again.DequeueCount);
        Assert.Equal(PayoutOutcome.Paid, await Host.Get<PayoutProcessor>().ProcessAsync(again.MessageId, again.DequeueCount, again.Body, default));
        Assert.Equal(40, await Host.ScalarAsync("SELECT cached_balance FROM wallets WHERE owner_id = 77"));
    }

    [Fact]
    public async Task The_nightly_run_retries_an_unavailable_database_with_backoff_a_bounded_number_of_times()
    {
        await using var host = new FunctionsHost(LedgerProvider.Postgres, "Host=127.0.0.1;Port=1;Username=x;Password=y;Timeout=2",
            new Dictionary<string, string?> { ["Reconcile:RetryAttemptsMax"] = "2", ["Reconcile:RetryDelayBaseMs"] = "10" });
        var timer = new TimerInfo { ScheduleStatus = new ScheduleStatus() };

        await Assert.ThrowsAsync<LedgerUnavailableException>(() => host.Function<NightlyReconciliationFunction>().NightlyReconciliation(timer, default));

        Assert.Equal(2, host.Logs.Lines.Count(l => l.Contains("[6003]", StringComparison.Ordinal)));
        Assert.Contains(host.Logs.Lines, l => l.Contains("[6003]", StringComparison.Ordinal) && l.Contains("retry 2 of 2 in 0.02 s", StringComparison.Ordinal));
    }
}
