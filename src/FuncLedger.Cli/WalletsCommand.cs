using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using FuncLedger.Core.Domain;
using FuncLedger.Core.Operations;
using Microsoft.Extensions.DependencyInjection;

namespace FuncLedger.Cli;

/// <summary><c>funcledger wallets freeze|unfreeze|overdraft|changes</c>: the admin routes' changes, recorded as
/// <c>cli:{user}</c>, and the record of every change.</summary>
internal static class WalletsCommand
{
    private static readonly Option<bool> JsonOption = new("--json") { Description = "Print JSON on stdout" };

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var command = new Command("wallets", "Freeze, unfreeze or set overdraft on a wallet; list the recorded changes.");
        command.Subcommands.Add(Change("freeze", "Refuse debits, holds and transfers out of the wallet.", stdout, stderr,
            (admin, owner, actor, _, ct) => admin.SetFrozenAsync(owner, true, actor, ct)));
        command.Subcommands.Add(Change("unfreeze", "Let the wallet pay again.", stdout, stderr,
            (admin, owner, actor, _, ct) => admin.SetFrozenAsync(owner, false, actor, ct)));
        var allow = new Argument<string>("on|off") { Description = "Allow overdraft (on) or not (off)" };
        command.Subcommands.Add(Change("overdraft", "Allow or forbid overdraft.", stdout, stderr,
            (admin, owner, actor, parse, ct) => admin.SetOverdraftAsync(owner, parse.GetValue(allow) switch
            {
                "on" => true,
                "off" => false,
                _ => throw new LedgerValidationException("on|off", "Say on or off."),
            }, actor, ct), allow));
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
                    $"{c.CreatedAt:yyyy-MM-ddTHH:mm:ssZ}  wallet {c.WalletId}  {c.Change,-13} {c.Actor}"));
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
        var command = new Command(name, description) { owner, JsonOption };
        if (extra is not null)
        {
            command.Arguments.Add(extra);
        }

        command.SetAction((parse, ct) => FuncLedgerCli.GuardAsync(parse, stderr, async () =>
        {
            await using var services = await CliSettings.ConnectAsync(parse, stderr, ct);
            var actor = "cli:" + Environment.UserName;
            var result = await change(services.GetRequiredService<IWalletAdministration>(), OwnerId.From(parse.GetValue(owner)),
                actor[..Math.Min(actor.Length, WalletChanges.ActorLengthMax)], parse, ct);
            await stdout.WriteLineAsync(parse.GetValue(JsonOption)
                ? JsonSerializer.Serialize(result, CliJson.Default.WalletAdminResult)
                : string.Create(CultureInfo.InvariantCulture, $"wallet {result.WalletId}: frozen {result.Frozen}, "
                    + $"overdraft {result.AllowOverdraft}{(result.Changed ? "" : " (unchanged)")}"));
            return ExitCodes.Clean;
        }));
        return command;
    }
}
