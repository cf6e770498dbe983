using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using FuncLedger.Core.Domain;
using FuncLedger.Core.Reconciliation;
using Microsoft.Extensions.DependencyInjection;

namespace FuncLedger.Cli;

internal static class RunsCommand
{
    private static readonly Option<bool> JsonOption = new("--json") { Description = "Print JSON on stdout" };

    /// <summary><c>funcledger runs [--count N] [--json]</c>: the recorded reconciliation runs, newest first.</summary>
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var count = CliSettings.CountOption(ReconciliationLimits.RecentRunsMax, 20);
        var command = new Command("runs", "List the recorded reconciliation runs (nightly, CLI fixes, admin route).") { count, JsonOption };
        command.SetAction((parse, ct) => FuncLedgerCli.GuardAsync(parse, stderr, async () =>
        {
            var n = CliSettings.Count(parse, count, ReconciliationLimits.RecentRunsMax);
            await using var services = await CliSettings.ConnectAsync(parse, stderr, ct);
            await CliSettings.EnsureCurrentAsync(services, ct);
            var runs = await services.GetRequiredService<IReconciler>().RecentRunsAsync(n, ct);
            if (parse.GetValue(JsonOption))
            {
                await stdout.WriteLineAsync(JsonSerializer.Serialize([.. runs.Select(CliRun.From)], CliJson.Default.CliRunArray));
                return ExitCodes.Clean;
            }

            foreach (var r in runs)
            {
                await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{r.StartedAt:yyyy-MM-ddTHH:mm:ssZ}  run {r.Id}  {r.Trigger,-7} {(r.Fix ? "fix" : "check")}  "
                    + $"wallets {r.WalletsChecked}  drifts {r.DriftCount}  corrected {r.CorrectionsApplied}  "
                    + $"{(r.FinishedAt - r.StartedAt).TotalMilliseconds:0} ms"));
            }

            await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"runs: {runs.Count}"));
            return ExitCodes.Clean;
        }));
        return command;
    }
}

/// <summary>A reconciliation run as the CLI prints it (wallet ids only).</summary>
internal sealed record CliRun(long Id, string Trigger, bool Fix, DateTime StartedAt, DateTime FinishedAt, long WalletsChecked,
    long DriftCount, long CorrectionsApplied, long BalancesTotal, long EntriesTotal, string DriftedWalletIds)
{
    public static CliRun From(ReconciliationRun r) => new(r.Id, r.Trigger, r.Fix, r.StartedAt, r.FinishedAt, r.WalletsChecked,
        r.DriftCount, r.CorrectionsApplied, r.BalancesTotal, r.EntriesTotal, r.DriftedWalletIds);
}
