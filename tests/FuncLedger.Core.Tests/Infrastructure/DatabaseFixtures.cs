using FuncLedger.Core.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace FuncLedger.Core.Tests.Infrastructure;

/// <summary>A real database the tests share; <see cref="CreateHarnessAsync"/> hands each test an empty, migrated ledger.</summary>
public interface ILedgerDatabase
{
    LedgerProvider Provider { get; }

    Task<LedgerHarness> CreateHarnessAsync(LedgerRetryOptions? retry = null);
}

/// <summary>SQLite files: one migrated template, copied for every test (entries cannot be deleted, by design).</summary>
public sealed class SqliteDatabaseFixture : ILedgerDatabase, IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "funcledger-tests", Guid.NewGuid().ToString("N"));
    private string _template = "";
    private int _next;

    public LedgerProvider Provider => LedgerProvider.Sqlite;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        _template = Path.Combine(_folder, "template.db");
        await using var harness = new LedgerHarness(Provider, Connection(_template));
        await using var db = harness.CreateContext();
        await LedgerDatabase.MigrateAsync(db);
        SqliteConnection.ClearAllPools();
    }

    public Task<LedgerHarness> CreateHarnessAsync(LedgerRetryOptions? retry = null)
    {
        var file = Path.Combine(_folder, $"test-{Interlocked.Increment(ref _next)}.db");
        File.Copy(_template, file);
        return Task.FromResult(new LedgerHarness(Provider, Connection(file), retry));
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }

    private static string Connection(string file) => new SqliteConnectionStringBuilder { DataSource = file, Pooling = true }.ToString();
}

/// <summary>
/// A real PostgreSQL server (FUNCLEDGER_TEST_POSTGRES, set by the test command): one database per run,
/// migrated once, emptied between tests. No server configured is a failure, never a skip.
/// </summary>
public sealed class PostgresDatabaseFixture : ILedgerDatabase, IAsyncLifetime
{
    public const string Variable = "FUNCLEDGER_TEST_POSTGRES";
    private readonly string _database = "funcledger_test_" + Guid.NewGuid().ToString("N")[..12];
    private string _admin = "";
    private string _connection = "";

    public LedgerProvider Provider => LedgerProvider.Postgres;

    public async Task InitializeAsync()
    {
        _admin = Environment.GetEnvironmentVariable(Variable)
            ?? throw new InvalidOperationException($"{Variable} is not set: run the tests through ./build.sh test, which starts PostgreSQL.");
        await using (var admin = new NpgsqlConnection(_admin))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {_database}", admin);
            await create.ExecuteNonQueryAsync();
        }

        _connection = new NpgsqlConnectionStringBuilder(_admin) { Database = _database, MaxPoolSize = 40 }.ToString();
        await using var harness = new LedgerHarness(Provider, _connection);
        await using var db = harness.CreateContext();
        await LedgerDatabase.MigrateAsync(db);
    }

    public async Task<LedgerHarness> CreateHarnessAsync(LedgerRetryOptions? retry = null)
    {
        var harness = new LedgerHarness(Provider, _connection, retry);
        await harness.ExecuteAsync("DROP TRIGGER IF EXISTS trg_test_inject_fault ON ledger_entries; TRUNCATE ledger_entries, wallets, reconciliation_runs, payout_rejections RESTART IDENTITY;");
        return harness;
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(_admin);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_database} WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class SqliteCollection : ICollectionFixture<SqliteDatabaseFixture>
{
    public const string Name = "sqlite";
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresDatabaseFixture>
{
    public const string Name = "postgres";
}

/// <summary>Base of every database test: a fresh harness per test.</summary>
public abstract class LedgerTestBase(ILedgerDatabase database) : IAsyncLifetime
{
    private LedgerHarness? _harness;

    protected ILedgerDatabase Database { get; } = database;

    protected LedgerHarness Db => _harness ?? throw new InvalidOperationException("Not initialised.");

    protected Operations.ILedger Ledger => Db.Ledger;

    public async Task InitializeAsync() => _harness = await Database.CreateHarnessAsync();

    public async Task DisposeAsync()
    {
        if (_harness is not null)
        {
            await _harness.DisposeAsync();
        }
    }
}
