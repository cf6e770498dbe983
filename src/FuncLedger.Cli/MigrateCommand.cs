using System.CommandLine;
using System.Text.Json;
using FuncLedger.Core.Maintenance;
using Microsoft.Extensions.DependencyInjection;

namespace FuncLedger.Cli;

/// <summary><c>funcledger migrate</c>: applies the configured provider's pending migrations.</summary>
internal static class MigrateCommand
{
    private static readonly Option<bool> JsonOption = new("--json") { Description = "Print what was applied as JSON on stdout" };

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var command = new Command("migrate", "Apply the configured provider's pending migrations.") { JsonOption };
        command.SetAction((parse, ct) => FuncLedgerCli.GuardAsync(parse, stderr, () => RunAsync(parse, stdout, stderr, ct)));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        await using var services = await CliSettings.ConnectAsync(parse, stderr, ct);
        var maintenance = services.GetRequiredService<ILedgerMaintenance>();
        var applied = await maintenance.MigrateAsync(ct);
        if (parse.GetValue(JsonOption))
        {
            await stdout.WriteLineAsync(JsonSerializer.Serialize(
                new CliMigration(maintenance.Provider, [.. applied]), CliJson.Default.CliMigration));
            return ExitCodes.Clean;
        }

        await stdout.WriteLineAsync(applied.Count == 0
            ? $"{maintenance.Provider}: migrations up to date"
            : $"{maintenance.Provider}: applied {string.Join(", ", applied)}");
        return ExitCodes.Clean;
    }
}
