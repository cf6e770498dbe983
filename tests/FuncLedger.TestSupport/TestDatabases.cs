using FuncLedger.Core.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Xunit;

namespace FuncLedger.TestSupport;

/// <summary>The real servers the test command starts; a missing one is a failure with a clear message, never a skip.</summary>
public static class TestServers
{
    public const string PostgresVariable = "FUNCLEDGER_TEST_POSTGRES";
    public const string AzuriteVariable = "FUNCLEDGER_TEST_AZURITE";

    public static string Postgres => Environment.GetEnvironmentVariable(PostgresVariable)
        ?? throw new InvalidOperationException($"{PostgresVariable} is not set: run the tests through ./build.sh test, which starts PostgreSQL.");

    public static string Azurite => Environment.GetEnvironmentVariable(AzuriteVariable)
        ?? throw new InvalidOperationException($"{AzuriteVariable} is not set: run the tests through ./build.sh test, which starts Azurite.");

    /// <summary>Runs a statement on the PostgreSQL server's default database (CREATE / DROP DATABASE).</summary>
    public static async Task PostgresAdminAsync(string sql)
    {
        await using var admin = new NpgsqlConnection(Postgres);
        await admin.OpenAsync();
        await using var command = new NpgsqlCommand(sql, admin);
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>Where the repository is, for tests that read its files (host.json, build outputs, docs).</summary>
public static class TestPaths
{
    public static string RepositoryRoot
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "FuncLedger.sln")))
            {
                directory = directory.Parent;
            }

            return directory?.FullName ?? throw new InvalidOperationException("FuncLedger.sln not found above the test output.");
        }
    }
}

/// <summary>A migrated ledger database on a real engine, fresh for each test.</summary>
public interface ILedgerTestDatabase
{
    LedgerProvider Provider { get; }

    /// <summary>An empty, migrated database for one test; its connection string.</summary>
    Task<string> CreateAsync();
}

/// <summary>SQLite files: one migrated template copied for each test (entries cannot be deleted, by design).</summary>
public sealed class SqliteTestDatabase : ILedgerTestDatabase, IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "funcledger-tests-" + Guid.NewGuid().ToString("N")[..12]);
    private string _template = "";
    private int _next;

    public LedgerProvider Provider => LedgerProvider.Sqlite;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        _template = Path.Combine(_folder, "template.db");
        await Migrations.ApplyAsync(LedgerProvider.Sqlite, Connection(_template));
        SqliteConnection.ClearAllPools();
    }

    public Task<string> CreateAsync()
    {
        var file = Path.Combine(_folder, $"db-{Interlocked.Increment(ref _next)}.db");
        File.Copy(_template, file);
        return Task.FromResult(Connection(file));
    }

    /// <summary>An empty file with no migrations applied (for the pending-migrations cases).</summary>
    public string Unmigrated() => Connection(Path.Combine(_folder, $"bare-{Interlocked.Increment(ref _next)}.db"));

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }

    private static string Connection(string file) => new SqliteConnectionStringBuilder { DataSource = file }.ToString();
}

/// <summary>One PostgreSQL database per fixture, migrated once and emptied before each test.</summary>
public sealed class PostgresTestDatabase : ILedgerTestDatabase, IAsyncLifetime
{
    private readonly string _database = "funcledger_t_" + Guid.NewGuid().ToString("N")[..12];
    private string _connection = "";

    public LedgerProvider Provider => LedgerProvider.Postgres;

    public string ConnectionString => _connection;

    public async Task InitializeAsync()
    {
        await TestServers.PostgresAdminAsync($"CREATE DATABASE {_database}");
        _connection = new NpgsqlConnectionStringBuilder(TestServers.Postgres) { Database = _database, MaxPoolSize = 40 }.ToString();
        await Migrations.ApplyAsync(LedgerProvider.Postgres, _connection);
    }

    public async Task<string> CreateAsync()
    {
        await using var connection = new NpgsqlConnection(_connection);
        await connection.OpenAsync();
        await using var reset = new NpgsqlCommand("TRUNCATE promo_attempts, promo_codes, promo_grants, promo_redemptions, promo_campaigns, shop_checkout_lines, shop_checkouts, shop_consumptions, shop_refunds, shop_inventory, shop_purchases, shop_items, ledger_reversals, ledger_holds, wallet_changes, ledger_refusals, ledger_entries, wallets, reconciliation_runs, "
            + "payout_rejections, history_link_epochs, client_keys, postings RESTART IDENTITY;", connection);
        await reset.ExecuteNonQueryAsync();
        return _connection;
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await TestServers.PostgresAdminAsync($"DROP DATABASE IF EXISTS {_database} WITH (FORCE)");
    }
}

public static class Migrations
{
    public static async Task ApplyAsync(LedgerProvider provider, string connectionString)
    {
        var options = LedgerDatabase.Configure(new DbContextOptionsBuilder<LedgerDbContext>(), provider, connectionString);
        await using var db = new LedgerDbContext((DbContextOptions<LedgerDbContext>)options.Options);
        await LedgerDatabase.MigrateAsync(db);
    }
}

/// <summary>Runs raw SQL for assertions.</summary>
public static class Sql
{
    public static async Task<long> ScalarAsync(LedgerProvider provider, string connectionString, string sql)
    {
        await using var connection = Open(provider, connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public static async Task<string?> ScalarTextAsync(LedgerProvider provider, string connectionString, string sql)
    {
        await using var connection = Open(provider, connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync() as string;
    }

    public static async Task ExecuteAsync(LedgerProvider provider, string connectionString, string sql)
    {
        await using var connection = Open(provider, connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>A new, closed connection of the provider.</summary>
    public static System.Data.Common.DbConnection Open(LedgerProvider provider, string connectionString) => provider switch
    {
        LedgerProvider.Postgres => new NpgsqlConnection(connectionString),
        LedgerProvider.SqlServer => new Microsoft.Data.SqlClient.SqlConnection(connectionString),
        _ => new SqliteConnection(connectionString),
    };

    /// <summary>The literal of a boolean column's value in this provider's SQL (SQL Server's bit has no TRUE).</summary>
    public static string Bool(LedgerProvider provider, bool value) => provider == LedgerProvider.Postgres
        ? (value ? "TRUE" : "FALSE")
        : (value ? "1" : "0");
}
