using System.CommandLine;
using FuncLedger.Core.Maintenance;
using Microsoft.Extensions.DependencyInjection;

namespace FuncLedger.Cli;

/// <summary><c>funcledger migrate</c>: applies the configured provider's pending migrations.</summary>
internal static class MigrateCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var command = new Command("migrate", "Apply the configured provider's pending migrations.");
        command.SetAction((parse, ct) => FuncLedgerCli.GuardAsync(parse, stderr, () => RunAsync(parse, stdout, stderr, ct)));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        await using var services = CliSettings.BuildServices(parse, stderr);
        var maintenance = services.GetRequiredService<ILedgerMaintenance>();
        var applied = await maintenance.MigrateAsync(ct);
        await stdout.WriteLineAsync(applied.Count == 0
            ? $"{maintenance.Provider}: migrations up to date"
            : $"{maintenance.Provider}: applied {string.Join(", ", applied)}");
        return ExitCodes.Clean;
    }
}
