using System.CommandLine;
using FuncLedger.Core;
using FuncLedger.Core.Maintenance;
using FuncLedger.Core.Persistence;
using FuncLedger.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FuncLedger.Cli;

/// <summary>
/// Where the CLI's settings come from, strongest first: <c>--provider</c>/<c>--connection</c>, then FUNCLEDGER_PROVIDER /
/// FUNCLEDGER_CONNECTION, then the function app's own settings (Ledger__Provider, ConnectionStrings__Ledger) from the
/// environment, then a local.settings.json (<c>--settings</c>, else ./local.settings.json when present).
/// </summary>
internal static class CliSettings
{
    public const string ProviderVariable = "FUNCLEDGER_PROVIDER";
    public const string ConnectionVariable = "FUNCLEDGER_CONNECTION";

    public static readonly Option<string?> ProviderOption = new("--provider")
    {
        Description = "sqlite | postgres | sqlserver (default: FUNCLEDGER_PROVIDER, then Ledger__Provider, then sqlite)",
        Recursive = true,
    };

    public static readonly Option<string?> ConnectionOption = new("--connection")
    {
        Description = "The database connection string (default: FUNCLEDGER_CONNECTION, then ConnectionStrings__Ledger)",
        Recursive = true,
    };

    public static readonly Option<FileInfo?> SettingsOption = new("--settings")
    {
        Description = "A local.settings.json-style file to read the app's settings from (default: ./local.settings.json if present)",
        Recursive = true,
    };

    public static readonly Option<bool> VerboseOption = new("--verbose")
    {
        Description = "Log to stderr and show stack traces on errors",
        Recursive = true,
    };

    public static IConfiguration Configuration(ParseResult parse) => Configuration(parse, out _);

    /// <param name="chosenDatabase">The SQLite file chosen when no setting named a database (the command says so), or null.
    /// </param>
    public static IConfiguration Configuration(ParseResult parse, out string? chosenDatabase)
    {
        chosenDatabase = null;
        // An operator's one-shot command waits out an Azure SQL resume or throttling (a minute at most) instead of failing.
        var builder = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Ledger:Retry:ResumeRetryDeadlineMs"] = "60000",
        });
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
        var configuration = builder.AddInMemoryCollection(overrides).Build();
        if (string.IsNullOrWhiteSpace(configuration.GetConnectionString("Ledger")) && IsSqlite(configuration["Ledger:Provider"]))
        {
            // Nothing says which database: the one ./build.sh run serves when started inside the repository, else the CLI's
            // own default beside its binary. Either way the command says which file it opened.
            var file = RepositoryDatabase(Directory.GetCurrentDirectory()) ?? DefaultSqliteFile;
            overrides["ConnectionStrings:Ledger"] = new SqliteConnectionStringBuilder { DataSource = file }.ToString();
            configuration = builder.AddInMemoryCollection(overrides).Build();
            chosenDatabase = file;
        }

        return configuration;
    }

    /// <summary>The SQLite file ./build.sh run serves (<c>.data/funcledger.db</c> beside <c>FuncLedger.sln</c>), looked for from
    /// <paramref name="directory"/> up to the repository's root; null outside a repository.</summary>
    internal static string? RepositoryDatabase(string directory)
    {
        for (var at = new DirectoryInfo(directory); at is not null; at = at.Parent)
        {
            if (File.Exists(Path.Combine(at.FullName, "FuncLedger.sln")))
            {
                return Path.Combine(at.FullName, ".data", "funcledger.db");
            }
        }

        return null;
    }

    /// <summary>Whether the provider named is SQLite (the default); a name that is no provider is reported when the core is built.
    /// </summary>
    private static bool IsSqlite(string? provider)
    {
        try
        {
            return LedgerProviders.Parse(provider) == LedgerProvider.Sqlite;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static string DefaultSqliteFile => Path.Combine(AppContext.BaseDirectory, "data", "funcledger.db");


    /// <summary>The core on the configured database, warmed up (<see cref="ILedgerMaintenance.WarmUpAsync"/>: EF Core's model
    /// built while the first connection opens, about 0.3 s of each command's start); logs on stderr with --verbose only.</summary>
    public static async Task<ServiceProvider> ConnectAsync(ParseResult parse, TextWriter stderr, CancellationToken ct)
    {
        var services = BuildServices(parse, stderr);
        try
        {
            await services.GetRequiredService<ILedgerMaintenance>().WarmUpAsync(ct);
            return services;
        }
        catch
        {
            await services.DisposeAsync();
            throw;
        }
    }

    private static ServiceProvider BuildServices(ParseResult parse, TextWriter stderr)
    {
        var configuration = Configuration(parse, out var chosen);
        if (chosen is { } file)
        {
            stderr.WriteLine($"funcledger: SQLite database {file} (set --provider/--connection for another)");
        }

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

    /// <summary>A <c>--count</c> option: how many records, newest first, 1 to <paramref name="max"/>.</summary>
    public static Option<int> CountOption(int max, int fallback) => new("--count")
    {
        Description = $"How many, newest first (1 to {max})", DefaultValueFactory = _ => fallback,
    };

    /// <summary>The value of a <see cref="CountOption"/>; outside 1 to <paramref name="max"/> a one-line error.</summary>
    public static int Count(ParseResult parse, Option<int> option, int max) =>
        parse.GetValue(option) is var n && n >= 1 && n <= max ? n : throw new CliException($"--count must be 1 to {max}.");

    /// <summary>Refuses to work on a database with pending migrations.</summary>
    public static async Task EnsureCurrentAsync(IServiceProvider services, CancellationToken ct)
    {
        var status = await services.GetRequiredService<ILedgerMaintenance>().StatusAsync(ct);
        if (status.PendingMigrations.Count > 0)
        {
            var pending = status.PendingMigrations;
            throw new CliException($"{pending.Count} migration(s) pending ({string.Join(", ", pending)}); run 'funcledger migrate' first.");
        }
    }
}
