using System.Reflection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Logging;

namespace FuncLedger.Core.Persistence;

/// <summary>Provider wiring shared by the app, the CLI, the design-time factories and the tests.</summary>
public static class LedgerDatabase
{
    /// <summary>The SQLite file used when no connection string is configured: a file in the app's data folder.</summary>
    public static string DefaultSqliteConnectionString =>
        new SqliteConnectionStringBuilder { DataSource = Path.Combine(AppContext.BaseDirectory, "data", "funcledger.db") }.ToString();

    public static LedgerProvider ProviderOf(string? efProviderName) => efProviderName switch
    {
        "Npgsql.EntityFrameworkCore.PostgreSQL" => LedgerProvider.Postgres,
        "Microsoft.EntityFrameworkCore.SqlServer" => LedgerProvider.SqlServer,
        _ => LedgerProvider.Sqlite,
    };

    /// <summary>Configures <paramref name="builder"/> for the provider, with that provider's migrations assembly.</summary>
    public static DbContextOptionsBuilder Configure(DbContextOptionsBuilder builder, LedgerProvider provider, string? connectionString,
        LedgerConnectionOptions? connection = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var migrations = LedgerProviders.MigrationsAssembly(provider);
        switch (provider)
        {
            case LedgerProvider.Postgres:
                builder.UseNpgsql(ServerConnectionString(provider, connectionString, connection), o => o.MigrationsAssembly(migrations));
                break;
            case LedgerProvider.SqlServer:
                builder.UseSqlServer(ServerConnectionString(provider, connectionString, connection), o => o.MigrationsAssembly(migrations));
                break;
            default:
                builder.UseSqlite(SqliteConnectionString(connectionString), o => o.MigrationsAssembly(migrations));
                break;
        }

        return Common(builder);
    }

    /// <summary>Configures <paramref name="builder"/> for PostgreSQL over a data source (Microsoft Entra tokens as
    /// passwords: <see cref="Postgres.PostgresEntraAuthentication"/>).</summary>
    internal static DbContextOptionsBuilder Configure(DbContextOptionsBuilder builder, Npgsql.NpgsqlDataSource dataSource) =>
        Common(builder.UseNpgsql(dataSource, o => o.MigrationsAssembly(LedgerProviders.MigrationsAssembly(LedgerProvider.Postgres))));

    // Reads never track: the core never updates through the change tracker. A failed command is not an EF "fail" log:
    // each caller reports its own failures (HTTP 4002 with the error's type, the CLI's one line), and the history
    // table's absence on a first migration is expected, not an alarm.
    private static DbContextOptionsBuilder Common(DbContextOptionsBuilder builder) =>
        builder.UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking)
            .ConfigureWarnings(w => w.Log((RelationalEventId.CommandError, LogLevel.Debug)));

    /// <summary>Applies the pending migrations of the configured provider (never EnsureCreated).</summary>
    public static async Task<IReadOnlyList<string>> MigrateAsync(LedgerDbContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Provider == LedgerProvider.Sqlite)
        {
            EnsureSqliteFolder(context.Database.GetConnectionString());
        }

        var pending = (await context.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        await context.Database.MigrateAsync(cancellationToken);
        if (context.Provider == LedgerProvider.Sqlite)
        {
            // WAL lets readers run beside the one writer; it is a property of the file, so set it once here.
            await context.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }

        return pending;
    }

    /// <summary>
    /// The migrations of the provider that are not applied yet: the ids in the provider's migrations assembly that
    /// <c>__EFMigrationsHistory</c> does not list. Read with one query, without building EF's migration services,
    /// because health probes and the CLI ask this on every call.
    /// </summary>
    public static async Task<IReadOnlyList<string>> PendingMigrationsAsync(
        LedgerDbContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var known = MigrationIds(context.Provider);
        await context.Database.OpenConnectionAsync(cancellationToken);
        HashSet<string> applied;
        try
        {
            var command = LedgerStore.For(context.Provider).AppliedMigrations;
            // The open honours the token, the one short read runs to completion (why: LedgerUnitOfWork.RunAsync).
            applied = await command.ExecuteAsync(context.Database.GetDbConnection(), CancellationToken.None);
        }
        finally
        {
            await context.Database.CloseConnectionAsync();
        }

        return [.. known.Where(id => !applied.Contains(id))];
    }

    /// <summary>The migration ids of the provider's migrations assembly, in order.</summary>
    public static IReadOnlyList<string> MigrationIds(LedgerProvider provider) =>
        MigrationIdCache.GetOrAdd(provider, p =>
        [
            .. Assembly.Load(LedgerProviders.MigrationsAssembly(p)).GetTypes()
                .Select(t => t.GetCustomAttribute<MigrationAttribute>()?.Id)
                .OfType<string>()
                .Order(StringComparer.Ordinal),
        ]);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<LedgerProvider, IReadOnlyList<string>> MigrationIdCache =
        new();

    /// <summary>All migrations the provider's assembly holds.</summary>
    public static IReadOnlyList<string> KnownMigrations(LedgerDbContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return [.. context.GetService<IMigrationsAssembly>().Migrations.Keys];
    }

    private static string SqliteConnectionString(string? connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(
            string.IsNullOrWhiteSpace(connectionString) ? DefaultSqliteConnectionString : connectionString);
        if (builder.DefaultTimeout < 30)
        {
            // A busy database waits for the writer instead of failing at once.
            builder.DefaultTimeout = 30;
        }

        return builder.ToString();
    }

    private static void EnsureSqliteFolder(string? connectionString)
    {
        var source = new SqliteConnectionStringBuilder(connectionString).DataSource;
        var folder = Path.GetDirectoryName(Path.GetFullPath(source));
        if (!string.IsNullOrEmpty(source) && source != ":memory:" && folder is not null)
        {
            Directory.CreateDirectory(folder);
        }
    }

    /// <summary>The connection string EF Core opens PostgreSQL and SQL Server connections with (shaped by
    /// <see cref="LedgerConnectionOptions"/>): a connection opened with it comes from EF Core's own pool
    /// (<see cref="LedgerConnections"/>).</summary>
    internal static string ServerConnectionString(LedgerProvider provider, string? connectionString,
        LedgerConnectionOptions? connection = null)
    {
        connection ??= new LedgerConnectionOptions();
        return provider == LedgerProvider.Postgres
            ? connection.Postgres(Required(connectionString, provider))
            : connection.SqlServer(Required(connectionString, provider));
    }

    private static string Required(string? connectionString, LedgerProvider provider) =>
        string.IsNullOrWhiteSpace(connectionString)
            ? throw new InvalidOperationException($"ConnectionStrings:Ledger is required for provider {provider}.")
            : connectionString;
}
