using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using FuncLedger.Core.Maintenance;
using Microsoft.Extensions.DependencyInjection;

namespace FuncLedger.Cli;

/// <summary><c>funcledger status</c>: the provider, pending migrations, and wallet and entry counts.</summary>
internal static class StatusCommand
{
    private static readonly Option<bool> JsonOption = new("--json") { Description = "Print the status as JSON on stdout" };

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var command = new Command("status", "Show the provider, pending migrations, and wallet and entry counts.") { JsonOption };
        command.SetAction((parse, ct) => FuncLedgerCli.GuardAsync(parse, stderr, () => RunAsync(parse, stdout, stderr, ct)));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        await using var services = await CliSettings.ConnectAsync(parse, stderr, ct);
        var maintenance = services.GetRequiredService<ILedgerMaintenance>();
        var status = await maintenance.StatusAsync(ct);
        var pending = status.PendingMigrations;
        (long Wallets, long Entries)? counts = status.Unmigrated ? null : await maintenance.CountAsync(ct);
        if (parse.GetValue(JsonOption))
        {
            await stdout.WriteLineAsync(JsonSerializer.Serialize(
                new CliStatus(status.Provider, [.. pending], counts?.Wallets, counts?.Entries),
                CliJson.Default.CliStatus));
            return ExitCodes.Clean;
        }

        await stdout.WriteLineAsync("provider: " + status.Provider);
        await stdout.WriteLineAsync(pending.Count == 0
            ? "pending migrations: none"
            : $"pending migrations: {pending.Count} ({string.Join(", ", pending)})");
        if (counts is not { } c)
        {
            await stdout.WriteLineAsync("wallets: n/a (not migrated)");
            return ExitCodes.Clean;
        }

        var (wallets, entries) = c;
        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"wallets: {wallets}"));
        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"entries: {entries}"));
        return ExitCodes.Clean;
    }
}
