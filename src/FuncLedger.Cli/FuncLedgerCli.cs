using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using FuncLedger.Core;
using FuncLedger.Core.Persistence;
using FuncLedger.Core.Reconciliation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace FuncLedger.Cli;

/// <summary>The exit codes of every command.</summary>
public static class ExitCodes
{
    /// <summary>Done; for reconcile: no wallet drifts.</summary>
    public const int Clean = 0;

    /// <summary>reconcile found drift (reported on a dry run, corrected otherwise).</summary>
    public const int Drift = 1;

    /// <summary>Bad arguments, an unreachable database, pending migrations, or any other failure.</summary>
    public const int Error = 2;
}

/// <summary>
/// <c>funcledger</c>: the operator's tool. <c>reconcile [--dry-run] [--json]</c>, <c>migrate</c>, <c>status</c>.
/// Provider and connection come from <c>--provider</c>/<c>--connection</c>, else FUNCLEDGER_PROVIDER /
/// FUNCLEDGER_CONNECTION, else the function app's own settings (Ledger__Provider, ConnectionStrings__Ledger, from
/// the environment or a local.settings.json). Output names wallet IDs only, never owner data.
/// </summary>
public static partial class FuncLedgerCli
{
    public const string ProviderVariable = "FUNCLEDGER_PROVIDER";
    public const string ConnectionVariable = "FUNCLEDGER_CONNECTION";

    private static readonly Option<string?> ProviderOption = new("--provider")
    {
        Description = "sqlite | postgres | sqlserver (default: FUNCLEDGER_PROVIDER, then Ledger__Provider, then sqlite)",
        Recursive = true,
    };

    private static readonly Option<string?> ConnectionOption = new("--connection")
    {
        Description = "The database connection string (default: FUNCLEDGER_CONNECTION, then ConnectionStrings__Ledger)",
        Recursive = true,
    };

    private static readonly Option<FileInfo?> SettingsOption = new("--settings")
    {
        Description = "A local.settings.json-style file to read the app's settings from (default: ./local.settings.json if present)",
        Recursive = true,
    };

    private static readonly Option<bool> VerboseOption = new("--verbose")
    {
        Description = "Log to stderr and show stack traces on errors",
        Recursive = true,
    };

    private static readonly Option<bool> DryRunOption = new("--dry-run") { Description = "Report drift and change nothing" };

    private static readonly Option<bool> JsonOption = new("--json") { Description = "Print the report as JSON on stdout" };

    private static readonly Option<int> ChunkSizeOption = new("--chunk-size")
    {
        Description = $"Drifted wallets fixed per transaction (1..{ReconciliationLimits.FixChunkSizeMax})",
        DefaultValueFactory = _ => ReconciliationLimits.FixChunkSizeDefault,
    };

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, bool interactive, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        var reconcile = new Command("reconcile", "Compare every cached balance with the sum of its entries (recalc_all_wallets); correct drift unless --dry-run. Exit 0 clean, 1 drift, 2 error.")
        {
            DryRunOption, JsonOption, ChunkSizeOption,
        };
        reconcile.SetAction((parse, ct) => GuardAsync(parse, stderr, () => ReconcileAsync(parse, stdout, stderr, interactive, ct)));
        var migrate = new Command("migrate", "Apply the configured provider's pending migrations.");
        migrate.SetAction((parse, ct) => GuardAsync(parse, stderr, () => MigrateAsync(parse, stdout, stderr, ct)));
        var status = new Command("status", "Show the provider, pending migrations, and wallet and entry counts.");
        status.SetAction((parse, ct) => GuardAsync(parse, stderr, () => StatusAsync(parse, stdout, stderr, ct)));
        var root = new RootCommand("funcledger: FuncLedger's operator tool.")
        {
            reconcile, migrate, status,
        };
        root.Options.Add(ProviderOption);
        root.Options.Add(ConnectionOption);
        root.Options.Add(SettingsOption);
        root.Options.Add(VerboseOption);

        var result = root.Parse(args);
        if (result.Errors.Count > 0)
        {
            foreach (var error in result.Errors)
            {
                await stderr.WriteLineAsync("error: " + error.Message);
            }

            await stderr.WriteLineAsync("Run 'funcledger --help' for usage.");
            return ExitCodes.Error;
        }

        return await result.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false }, cancellationToken);
    }

    /// <summary>Every failure is one line on stderr and exit code 2; the stack trace only with --verbose.</summary>
    private static async Task<int> GuardAsync(ParseResult parse, TextWriter stderr, Func<Task<int>> command)
    {
        try
        {
            return await command();
        }
        catch (CliException e)
        {
            await stderr.WriteLineAsync("error: " + e.Message);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await stderr.WriteLineAsync("error: " + Describe(e));
            if (parse.GetValue(VerboseOption))
            {
                await stderr.WriteLineAsync(e.ToString());
            }
        }

        return ExitCodes.Error;
    }

    private static string Describe(Exception e) => e switch
    {
        System.Data.Common.DbException or TimeoutException or System.Net.Sockets.SocketException =>
            "cannot reach the database (" + e.GetType().Name + "); check --provider and --connection",
        InvalidOperationException { InnerException: System.Data.Common.DbException inner } =>
            "cannot reach the database (" + inner.GetType().Name + "); check --provider and --connection",
        _ => e.Message.Split('\n')[0],
    };

    private static async Task<int> ReconcileAsync(ParseResult parse, TextWriter stdout, TextWriter stderr, bool interactive, CancellationToken ct)
    {
        var dryRun = parse.GetValue(DryRunOption);
        var json = parse.GetValue(JsonOption);
        var chunkSize = parse.GetValue(ChunkSizeOption);
        if (chunkSize is < 1 or > ReconciliationLimits.FixChunkSizeMax)
        {
            throw new CliException($"--chunk-size must be 1 to {ReconciliationLimits.FixChunkSizeMax}.");
        }

        await using var services = BuildServices(parse, stderr);
        await EnsureCurrentAsync(services, ct);
        var reconciler = services.GetRequiredService<IReconciler>();
        ReconciliationReport report;
        // A dry run writes nothing at all, not even a run record; a fix records what it corrected.
        var request = new ReconcileRequest(Fix: !dryRun, ReconciliationTriggers.Cli, Record: !dryRun, ChunkSize: chunkSize);
        if (interactive)
        {
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(stderr) });
            report = await console.Status().StartAsync("Scanning wallets against the ledger...", async status =>
                await reconciler.RunAsync(request with { Progress = new StatusProgress(status) }, ct));
        }
        else
        {
            report = await reconciler.RunAsync(request with { Progress = new LineProgress(stderr) }, ct);
        }

        if (json)
        {
            await stdout.WriteLineAsync(JsonSerializer.Serialize(CliReport.From(report), CliJson.Default.CliReport));
        }
        else
        {
            foreach (var drift in report.Drifts)
            {
                await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"drift: wallet {drift.WalletId} cached {drift.CachedBalance} ledger {drift.LedgerBalance} delta {drift.Delta:+#;-#;0}"));
            }

            await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"wallets checked: {report.WalletsChecked}, drifts found: {report.DriftCount}, corrections applied: {report.CorrectionsApplied}{(dryRun ? " (dry run)" : "")}"));
            await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"totals: cached balances {report.BalancesTotal}, ledger entries {report.EntriesTotal} ({(report.TotalsMatch ? "match" : "differ")}), {report.Duration.TotalMilliseconds:0} ms"));
        }

        return report.DriftCount > 0 ? ExitCodes.Drift : ExitCodes.Clean;
    }

    private static async Task<int> MigrateAsync(ParseResult parse, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        await using var services = BuildServices(parse, stderr);
        await using var db = await services.GetRequiredService<IDbContextFactory<LedgerDbContext>>().CreateDbContextAsync(ct);
        var applied = await LedgerDatabase.MigrateAsync(db, ct);
        await stdout.WriteLineAsync(applied.Count == 0
            ? $"{db.Provider.ToString().ToLowerInvariant()}: migrations up to date"
            : $"{db.Provider.ToString().ToLowerInvariant()}: applied {string.Join(", ", applied)}");
        return ExitCodes.Clean;
    }

    private static async Task<int> StatusAsync(ParseResult parse, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        await using var services = BuildServices(parse, stderr);
        await using var db = await services.GetRequiredService<IDbContextFactory<LedgerDbContext>>().CreateDbContextAsync(ct);
        var pending = await LedgerDatabase.PendingMigrationsAsync(db, ct);
        await stdout.WriteLineAsync("provider: " + db.Provider.ToString().ToLowerInvariant());
        await stdout.WriteLineAsync(pending.Count == 0 ? "pending migrations: none" : $"pending migrations: {pending.Count} ({string.Join(", ", pending)})");
        if (pending.Count == LedgerDatabase.MigrationIds(db.Provider).Count)
        {
            await stdout.WriteLineAsync("wallets: n/a (not migrated)");
            return ExitCodes.Clean;
        }

        var wallets = await db.Wallets.LongCountAsync(ct);
        var entries = await db.LedgerEntries.LongCountAsync(ct);
        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"wallets: {wallets}"));
        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"entries: {entries}"));
        return ExitCodes.Clean;
    }

    private static async Task EnsureCurrentAsync(ServiceProvider services, CancellationToken ct)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<LedgerDbContext>>().CreateDbContextAsync(ct);
        var pending = await LedgerDatabase.PendingMigrationsAsync(db, ct);
        if (pending.Count > 0)
        {
            throw new CliException($"{pending.Count} migration(s) pending ({string.Join(", ", pending)}); run 'funcledger migrate' first.");
        }
    }

    /// <summary>Options, then FUNCLEDGER_* variables, then the function app's settings (environment, then a settings file).</summary>
    internal static IConfiguration Configuration(ParseResult parse)
    {
        var builder = new ConfigurationBuilder();
        var settings = parse.GetValue(SettingsOption)?.FullName;
        if (settings is not null && !File.Exists(settings))
        {
            throw new CliException($"--settings: {settings} does not exist.");
        }

        settings ??= File.Exists("local.settings.json") ? Path.GetFullPath("local.settings.json") : null;
        if (settings is not null)
        {
            builder.AddInMemoryCollection(LocalSettings.Read(settings));
        }

        builder.AddEnvironmentVariables();
        var overrides = new Dictionary<string, string?>();
        void Set(string key, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                overrides[key] = value;
            }
        }

        Set("Ledger:Provider", Environment.GetEnvironmentVariable(ProviderVariable));
        Set("ConnectionStrings:Ledger", Environment.GetEnvironmentVariable(ConnectionVariable));
        Set("Ledger:Provider", parse.GetValue(ProviderOption));
        Set("ConnectionStrings:Ledger", parse.GetValue(ConnectionOption));
        return builder.AddInMemoryCollection(overrides).Build();
    }

    private static ServiceProvider BuildServices(ParseResult parse, TextWriter stderr)
    {
        var configuration = Configuration(parse);
        var verbose = parse.GetValue(VerboseOption);
        var services = new ServiceCollection().AddLogging(b =>
        {
            b.SetMinimumLevel(verbose ? LogLevel.Information : LogLevel.None);
            if (verbose)
            {
                b.AddProvider(new TextWriterLoggerProvider(stderr));
            }
        });
        try
        {
            services.AddLedgerCore(configuration);
        }
        catch (ArgumentException e)
        {
            throw new CliException(e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal).Split('\n')[0]);
        }

        return services.BuildServiceProvider();
    }

    private sealed class StatusProgress(StatusContext status) : IProgress<ReconciliationProgress>
    {
        public void Report(ReconciliationProgress value) => status.Status = value.Stage == "scan"
            ? string.Create(CultureInfo.InvariantCulture, $"Scanning wallets against the ledger ({value.Done} checked)...")
            : string.Create(CultureInfo.InvariantCulture, $"Fixing drifted wallets: {value.Done} of {value.Total}...");
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

/// <summary>A failure the CLI explains itself in one line.</summary>
public sealed class CliException(string message) : Exception(message);

/// <summary>The <c>--json</c> report: wallet IDs only.</summary>
public sealed record CliReport(
    bool DryRun,
    long WalletsChecked,
    long DriftCount,
    long CorrectionsApplied,
    long BalancesTotal,
    long EntriesTotal,
    bool TotalsMatch,
    double DurationMs,
    IReadOnlyList<CliDrift> Drifts)
{
    public static CliReport From(ReconciliationReport r) =>
        new(!r.Fix, r.WalletsChecked, r.DriftCount, r.CorrectionsApplied, r.BalancesTotal, r.EntriesTotal, r.TotalsMatch,
            r.Duration.TotalMilliseconds, [.. r.Drifts.Select(d => new CliDrift(d.WalletId, d.CachedBalance, d.LedgerBalance, d.Delta))]);
}

public sealed record CliDrift(long WalletId, long CachedBalance, long LedgerBalance, long Delta);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(CliReport))]
internal sealed partial class CliJson : JsonSerializerContext;

/// <summary>--verbose logs: one line per message on stderr.</summary>
internal sealed class TextWriterLoggerProvider(TextWriter writer) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(writer, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(TextWriter writer, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel) && !category.StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal))
            {
                lock (writer)
                {
                    writer.WriteLine($"{logLevel.ToString().ToLowerInvariant()}: {formatter(state, exception)}");
                }
            }
        }
    }
}
