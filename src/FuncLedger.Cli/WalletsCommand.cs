using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using FuncLedger.Core.Domain;
using FuncLedger.Core.Operations;
using Microsoft.Extensions.DependencyInjection;

namespace FuncLedger.Cli;

/// <summary><c>funcledger wallets freeze|unfreeze|overdraft|adjust|changes</c>: the ops routes' changes, recorded as
/// <c>cli:{user}</c> with the operator's reason, and the record of every change.</summary>
internal static class WalletsCommand
{
    private static readonly Option<bool> JsonOption = new("--json") { Description = "Print JSON on stdout" };

    private static readonly Option<string?> ReasonOption = new("--reason") { Description = "Why (recorded with the change)" };

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var command = new Command("wallets", "Freeze, unfreeze or set overdraft on a wallet; list the recorded changes.");
        command.Subcommands.Add(Change("freeze", "Let no coins out of the wallet (but through an adjustment).", stdout, stderr,
            (admin, owner, actor, parse, ct) => admin.SetFrozenAsync(owner, true, actor, parse.GetValue(ReasonOption), ct)));
        command.Subcommands.Add(Change("unfreeze", "Let the wallet pay again.", stdout, stderr,
            (admin, owner, actor, parse, ct) => admin.SetFrozenAsync(owner, false, actor, parse.GetValue(ReasonOption), ct)));
        var allow = new Argument<string>("on|off") { Description = "Allow overdraft (on) or not (off)" };
        command.Subcommands.Add(Change("overdraft", "Allow or withdraw overdraft (at any balance).", stdout, stderr,
            (admin, owner, actor, parse, ct) => admin.SetOverdraftAsync(owner, parse.GetValue(allow) switch
            {
                "on" => true,
                "off" => false,
                _ => throw new LedgerValidationException("on|off", "Say on or off."),
            }, actor, parse.GetValue(ReasonOption), ct), allow));
        command.Subcommands.Add(Adjust(stdout, stderr));
        var owner = new Option<long?>("--owner") { Description = "Only this owner's wallet" };
        var count = new Option<int>("--count") { Description = "How many, newest first (1 to 1000)", DefaultValueFactory = _ => 50 };
        var changes = new Command("changes", "List recorded wallet changes, newest first.") { owner, count, JsonOption };
        changes.SetAction((parse, ct) => FuncLedgerCli.GuardAsync(parse, stderr, async () =>
        {
            await using var services = await CliSettings.ConnectAsync(parse, stderr, ct);
            var who = parse.GetValue(owner) is { } id ? OwnerId.From(id) : (OwnerId?)null;
            var list = await services.GetRequiredService<IWalletAdministration>().ChangesAsync(who, parse.GetValue(count), ct);
            if (parse.GetValue(JsonOption))
            {
                await stdout.WriteLineAsync(JsonSerializer.Serialize([.. list], CliJson.Default.WalletChangeRecordArray));
                return ExitCodes.Clean;
            }

            foreach (var c in list)
            {
                await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{c.CreatedAt:yyyy-MM-ddTHH:mm:ssZ}  wallet {c.WalletId}  {c.Change,-13} {c.Actor}")
                    + (c.EntryId is { } entry ? string.Create(CultureInfo.InvariantCulture, $"  entry {entry}") : "")
                    + (c.Reason is { } why ? "  " + why : ""));
            }

            return ExitCodes.Clean;
        }));
        command.Subcommands.Add(changes);
        return command;
    }

    private static Command Change(string name, string description, TextWriter stdout, TextWriter stderr,
        Func<IWalletAdministration, OwnerId, string, ParseResult, CancellationToken, Task<WalletAdminResult>> change,
        Argument<string>? extra = null)
    {
        var owner = new Argument<long>("ownerId") { Description = "The owner's profile id" };
        var command = new Command(name, description) { owner, JsonOption, ReasonOption };
        if (extra is not null)
        {
            command.Arguments.Add(extra);
        }

        command.SetAction((parse, ct) => FuncLedgerCli.GuardAsync(parse, stderr, async () =>
        {
            await using var services = await CliSettings.ConnectAsync(parse, stderr, ct);
            var result = await change(services.GetRequiredService<IWalletAdministration>(), OwnerId.From(parse.GetValue(owner)), Actor(),
                parse, ct);
            await stdout.WriteLineAsync(parse.GetValue(JsonOption)
                ? JsonSerializer.Serialize(result, CliJson.Default.WalletAdminResult)
                : string.Create(CultureInfo.InvariantCulture, $"wallet {result.WalletId}: frozen {result.Frozen}, "
                    + $"overdraft {result.AllowOverdraft}{(result.Changed ? "" : " (unchanged)")}"));
            return ExitCodes.Clean;
        }));
        return command;
    }

    private static string Actor()
    {
        var actor = "cli:" + Environment.UserName;
        return actor[..Math.Min(actor.Length, WalletChanges.ActorLengthMax)];
    }

    /// <summary><c>wallets adjust {ownerId} {amount} --reason R [--key K]</c>: an operator's adjustment (signed coins), the one way
    /// coins leave a frozen wallet; recorded as a wallet change.</summary>
    private static Command Adjust(TextWriter stdout, TextWriter stderr)
    {
        var owner = new Argument<long>("ownerId") { Description = "The owner's profile id" };
        var amount = new Argument<long>("amount") { Description = "Signed coins: positive credits, negative debits" };
        var reason = new Option<string>("--reason") { Description = "Why (required, recorded)", Required = true };
        var key = new Option<string?>("--key") { Description = "Idempotency key (a rerun with it replays)" };
        var command = new Command("adjust", "Credit or debit a wallet as an operator, frozen or not.")
        {
            owner, amount, reason, key, JsonOption,
        };
        command.SetAction((parse, ct) => FuncLedgerCli.GuardAsync(parse, stderr, async () =>
        {
            await using var services = await CliSettings.ConnectAsync(parse, stderr, ct);
            var adjustment = new AdjustmentCommand(OwnerId.From(parse.GetValue(owner)), parse.GetValue(amount), parse.GetValue(reason)!,
                Actor(), IdempotencyKey.Parse(parse.GetValue(key)));
            var result = await services.GetRequiredService<ILedger>().AdjustAsync(adjustment, ct);
            await stdout.WriteLineAsync(parse.GetValue(JsonOption)
                ? JsonSerializer.Serialize(result, CliJson.Default.AdjustmentResult)
                : string.Create(CultureInfo.InvariantCulture, $"wallet {result.WalletId}: entry {result.TransactionId}, "
                    + $"balance {result.BalanceAfter}{(result.Replayed ? " (replayed)" : "")}"));
            return ExitCodes.Clean;
        }));
        return command;
    }
}
