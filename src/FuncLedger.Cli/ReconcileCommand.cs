using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using FuncLedger.Core.Domain;
using FuncLedger.Core.Reconciliation;
using FuncLedger.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace FuncLedger.Cli;

/// <summary><c>funcledger reconcile [--dry-run] [--json] [--chunk-size N]</c>: exit 0 clean, 1 drift, 2 error.</summary>
internal static class ReconcileCommand
{
    private static readonly Option<bool> DryRunOption = new("--dry-run") { Description = "Report drift and change nothing" };

    private static readonly Option<bool> JsonOption = new("--json") { Description = "Print the report as JSON on stdout" };

    private static readonly Option<int> ChunkSizeOption = new("--chunk-size")
    {
        Description = $"Drifted wallets fixed per transaction (1..{ReconciliationLimits.FixChunkSizeMax})",
        DefaultValueFactory = _ => ReconciliationLimits.FixChunkSizeDefault,
    };

    public static Command Create(TextWriter stdout, TextWriter stderr, bool interactive)
    {
        var command = new Command("reconcile",
            "Compare every cached balance with the sum of its entries (recalc_all_wallets); correct drift unless --dry-run. "
            + "Exit 0 clean, 1 drift, 2 error.")
        {
            DryRunOption, JsonOption, ChunkSizeOption,
        };
        command.SetAction((parse, ct) => FuncLedgerCli.GuardAsync(parse, stderr, () => RunAsync(parse, stdout, stderr, interactive, ct)));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, TextWriter stdout, TextWriter stderr, bool interactive, CancellationToken ct)
    {
        var dryRun = parse.GetValue(DryRunOption);
        var chunkSize = parse.GetValue(ChunkSizeOption);
        if (chunkSize is < 1 or > ReconciliationLimits.FixChunkSizeMax)
        {
            throw new CliException($"--chunk-size must be 1 to {ReconciliationLimits.FixChunkSizeMax}.");
        }

        await using var services = await CliSettings.ConnectAsync(parse, stderr, ct);
        await CliSettings.EnsureCurrentAsync(services, ct);
        var reconciler = services.GetRequiredService<IReconciler>();
        ReconciliationReport report;
        // A dry run writes nothing at all, not even a run record; a fix records what it corrected.
        var request = new ReconcileRequest(Fix: !dryRun, ReconciliationTriggers.Cli, Record: !dryRun, ChunkSize: chunkSize);
        if (interactive)
        {
            // stderr is a terminal: a live progress bar with counts and the time left (stdout stays the report).
            var console = AnsiConsole.Create(new AnsiConsoleSettings
            {
                Out = new AnsiConsoleOutput(stderr), Interactive = InteractionSupport.Yes, Ansi = AnsiSupport.Detect,
            });
            report = await console.Progress().AutoClear(false).HideCompleted(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new CountColumn(), new PercentageColumn(),
                    new RemainingTimeColumn(), new SpinnerColumn())
                .StartAsync(async context =>
                    await reconciler.RunAsync(request with { Progress = new BarProgress(context) }, ct));
        }
        else
        {
            report = await reconciler.RunAsync(request with { Progress = new LineProgress(stderr) }, ct);
        }

        if (parse.GetValue(JsonOption))
        {
            await stdout.WriteLineAsync(JsonSerializer.Serialize(ReconcileResponse.From(report), CliJson.Default.ReconcileResponse));
        }
        else
        {
            await WriteTextAsync(stdout, report, dryRun);
        }

        return report.DriftCount > 0 ? ExitCodes.Drift : ExitCodes.Clean;
    }

    private static async Task WriteTextAsync(TextWriter stdout, ReconciliationReport report, bool dryRun)
    {
        foreach (var drift in report.Drifts)
        {
            var held = drift.HeldDelta == 0 ? ""
                : string.Create(CultureInfo.InvariantCulture, $" held {drift.CachedHeld} pending holds {drift.PendingHeld}");
            await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"drift: wallet {drift.WalletId} cached {drift.CachedBalance} ledger {drift.LedgerBalance} "
                + $"delta {drift.Delta:+#;-#;0}{held}"));
        }

        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"wallets checked: {report.WalletsChecked}, drifts found: {report.DriftCount}, "
            + $"corrections applied: {report.CorrectionsApplied}{(dryRun ? " (dry run)" : "")}"));
        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"totals: cached balances {report.BalancesTotal}, ledger entries {report.EntriesTotal} "
            + $"({(report.TotalsMatch ? "match" : "differ")}), {report.Duration.TotalMilliseconds:0} ms"));
    }

    /// <summary>The scan as one step (its size is known only when it ends), then the fix as a bar over the drifted wallets.
    /// </summary>
    private sealed class BarProgress(ProgressContext context) : IProgress<ReconciliationProgress>
    {
        private readonly ProgressTask _scan = context.AddTask("Scanning wallets").IsIndeterminate();
        private bool _scanStarted;
        private ProgressTask? _fix;

        public void Report(ReconciliationProgress value)
        {
            if (value.Stage == "scan")
            {
                // Reported once as it starts (0 of 0) and once as it ends (N of N).
                if (_scanStarted)
                {
                    _scan.IsIndeterminate(false).MaxValue(Math.Max(value.Total, 1)).Value(Math.Max(value.Total, 1));
                    _scan.Description = string.Create(CultureInfo.InvariantCulture, $"Scanned {value.Total} wallets");
                    _scan.StopTask();
                }

                _scanStarted = true;
                return;
            }

            _fix ??= context.AddTask("Fixing drifted wallets", maxValue: Math.Max(value.Total, 1));
            _fix.Value(value.Done);
        }
    }

    /// <summary>"done/total" of a task.</summary>
    private sealed class CountColumn : ProgressColumn
    {
        public override Spectre.Console.Rendering.IRenderable Render(
            Spectre.Console.Rendering.RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text(string.Create(CultureInfo.InvariantCulture, $"{task.Value:0}/{task.MaxValue:0}"));
    }

    private sealed class LineProgress(TextWriter stderr) : IProgress<ReconciliationProgress>
    {
        public void Report(ReconciliationProgress value)
        {
            if (value.Stage == "scan" && value.Total > 0)
            {
                stderr.WriteLine(string.Create(CultureInfo.InvariantCulture, $"scan: {value.Done} wallets checked"));
            }
            else if (value.Stage == "fix")
            {
                stderr.WriteLine(string.Create(CultureInfo.InvariantCulture, $"fix: {value.Done} of {value.Total} drifted wallets"));
            }
        }
    }
}
