using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using FuncLedger.Core.Domain;
using FuncLedger.Core.Payouts;
using FuncLedger.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FuncLedger.Cli;

/// <summary>
/// <c>funcledger payouts rejections|poison list|poison requeue</c>: what the payout queue refused or poisoned, and moving
/// poisoned messages back (safe: every award is idempotent).
/// Awards are shown by registration and place, never by owner.
/// </summary>
internal static class PayoutsCommand
{
    public const string StorageVariable = "FUNCLEDGER_STORAGE";

    private static readonly Option<bool> JsonOption = new("--json") { Description = "Print JSON on stdout" };

    private static readonly Option<string?> StorageOption = new("--storage")
    {
        Description = $"The queue storage connection string (default: {StorageVariable}, then the app's AzureWebJobsStorage)",
        Recursive = true,
    };

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var since = new Option<DateTimeOffset?>("--since") { Description = "Only rejections at or after this instant (ISO 8601)" };
        var count = CliSettings.CountOption(PayoutRejectionLimits.RecentMax, 50);
        var rejections = new Command("rejections", "List payout messages that were refused (invalid, or a conflicting award).")
        {
            since, count, JsonOption,
        };
        rejections.SetAction((parse, ct) => FuncLedgerCli.GuardAsync(parse, stderr, async () =>
        {
            var n = CliSettings.Count(parse, count, PayoutRejectionLimits.RecentMax);
            await using var services = await CliSettings.ConnectAsync(parse, stderr, ct);
            await CliSettings.EnsureCurrentAsync(services, ct);
            var list = await services.GetRequiredService<IPayoutRejections>().RecentAsync(n, parse.GetValue(since), ct);
            if (parse.GetValue(JsonOption))
            {
                await stdout.WriteLineAsync(
                    JsonSerializer.Serialize([.. list.Select(CliRejection.From)], CliJson.Default.CliRejectionArray));
                return ExitCodes.Clean;
            }

            foreach (var r in list)
            {
                await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{r.RejectedAt:yyyy-MM-ddTHH:mm:ssZ}  {r.MessageId}  {r.AwardType ?? "-"} reg {Show(r.RegistrationId)} "
                    + $"place {Show(r.Place)}  {r.ReasonCode}: {r.Detail}"));
            }

            await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"rejections: {list.Count}"));
            return ExitCodes.Clean;
        }));

        var list = new Command("list", $"List the messages in {PayoutQueue.PoisonName} (the first {PayoutQueues.PageSize}).")
        {
            JsonOption,
        };
        list.SetAction((parse, ct) => FuncLedgerCli.GuardAsync(parse, stderr, async () =>
        {
            var listing = await Queues(parse).ListAsync(ct);
            if (parse.GetValue(JsonOption))
            {
                await stdout.WriteLineAsync(JsonSerializer.Serialize(listing, CliJson.Default.PoisonListing));
                return ExitCodes.Clean;
            }

            foreach (var m in listing.Messages)
            {
                await stdout.WriteLineAsync(Describe(m));
            }

            await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{listing.Queue}: {listing.ApproximateCount} message(s), {listing.Messages.Count} shown"));
            return ExitCodes.Clean;
        }));

        var id = new Option<string?>("--id") { Description = "The poisoned message's id" };
        var all = new Option<bool>("--all") { Description = "Every poisoned message" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Show what would move and move nothing" };
        var requeue = new Command("requeue",
            $"Move poisoned messages back to {PayoutQueue.Name}; each award pays at most once, however often it is moved.")
        {
            id, all, dryRun, JsonOption,
        };
        requeue.SetAction((parse, ct) => FuncLedgerCli.GuardAsync(parse, stderr, async () =>
        {
            var messageId = parse.GetValue(id);
            if ((messageId is null) == !parse.GetValue(all))
            {
                throw new CliException("Name one message (--id ID) or all of them (--all).");
            }

            RequeueResult result;
            try
            {
                result = await Queues(parse).RequeueAsync(messageId, parse.GetValue(dryRun), ct);
            }
            catch (KeyNotFoundException e)
            {
                throw new CliException(e.Message);
            }

            if (parse.GetValue(JsonOption))
            {
                await stdout.WriteLineAsync(JsonSerializer.Serialize(result, CliJson.Default.RequeueResult));
                return ExitCodes.Clean;
            }

            foreach (var m in result.Requeued)
            {
                await stdout.WriteLineAsync(result.DryRun
                    ? $"would requeue {m.PoisonMessageId}"
                    : $"requeued {m.PoisonMessageId} as {m.PayoutMessageId}");
            }

            var (moved, left) = (result.Requeued.Count, result.Remaining);
            await stdout.WriteLineAsync(result.DryRun
                ? string.Create(CultureInfo.InvariantCulture,
                    $"would requeue: {moved}, would leave in {PayoutQueue.PoisonName}: {left} (dry run: nothing moved)")
                : string.Create(CultureInfo.InvariantCulture, $"requeued: {moved}, left in {PayoutQueue.PoisonName}: {left}"));
            return ExitCodes.Clean;
        }));

        var poison = new Command("poison", $"The messages the queue gave up on ({PayoutQueue.PoisonName}).") { list, requeue };
        var command = new Command("payouts", "Payout rejections and the poison queue.") { rejections, poison };
        command.Options.Add(StorageOption);
        return command;
    }

    private static PayoutQueues Queues(ParseResult parse)
    {
        var configuration = CliSettings.Configuration(parse);
        var storage = parse.GetValue(StorageOption) ?? Environment.GetEnvironmentVariable(StorageVariable);
        if (!string.IsNullOrWhiteSpace(storage))
        {
            configuration = new ConfigurationBuilder().AddConfiguration(configuration)
                .AddInMemoryCollection([new(PayoutQueue.Connection, storage)]).Build();
        }

        try
        {
            return PayoutQueues.FromConfiguration(configuration);
        }
        catch (InvalidOperationException e)
        {
            throw new CliException(e.Message + $" (or pass --storage / set {StorageVariable})");
        }
    }

    private static string Describe(PoisonMessage m) => string.Create(CultureInfo.InvariantCulture,
        $"{m.InsertedOn:yyyy-MM-ddTHH:mm:ssZ}  {m.MessageId}  {m.AwardType ?? "(not an award)"} reg {Show(m.RegistrationId)} "
        + $"place {Show(m.Place)} amount {Show(m.Amount)}  {m.Bytes} bytes");

    private static string Show<T>(T? value) where T : struct, IFormattable =>
        value is { } v ? v.ToString(null, CultureInfo.InvariantCulture) : "-";
}

/// <summary>A payout rejection as the CLI prints it (no owner).</summary>
internal sealed record CliRejection(long Id, string MessageId, string? AwardType, long? RegistrationId, int? Place, string ReasonCode,
    string Detail, long DequeueCount, DateTime RejectedAt)
{
    public static CliRejection From(PayoutRejection r) =>
        new(r.Id, r.MessageId, r.AwardType, r.RegistrationId, r.Place, r.ReasonCode, r.Detail, r.DequeueCount, r.RejectedAt);
}
