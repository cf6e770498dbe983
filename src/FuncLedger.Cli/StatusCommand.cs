using System.CommandLine;
using System.Globalization;
using FuncLedger.Core.Maintenance;
using Microsoft.Extensions.DependencyInjection;

namespace FuncLedger.Cli;

/// <summary><c>funcledger status</c>: the provider, pending migrations, and wallet and entry counts.</summary>
internal static class StatusCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var command = new Command("status", "Show the provider, pending migrations, and wallet and entry counts.");
        command.SetAction((parse, ct) => FuncLedgerCli.GuardAsync(parse, stderr, () => RunAsync(parse, stdout, stderr, ct)));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        await using var services = CliSettings.BuildServices(parse, stderr);
        var maintenance = services.GetRequiredService<ILedgerMaintenance>();
        var status = await maintenance.StatusAsync(ct);
        var pending = status.PendingMigrations;
        await stdout.WriteLineAsync("provider: " + status.Provider);
        await stdout.WriteLineAsync(pending.Count == 0
            ? "pending migrations: none"
            : $"pending migrations: {pending.Count} ({string.Join(", ", pending)})");
        if (status.Unmigrated)
        {
            await stdout.WriteLineAsync("wallets: n/a (not migrated)");
            return ExitCodes.Clean;
        }

        var (wallets, entries) = await maintenance.CountAsync(ct);
        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"wallets: {wallets}"));
        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"entries: {entries}"));
        return ExitCodes.Clean;
    }
}
