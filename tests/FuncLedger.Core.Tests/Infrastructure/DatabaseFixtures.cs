using FuncLedger.Core.Persistence;
using FuncLedger.TestSupport;

namespace FuncLedger.Core.Tests.Infrastructure;

/// <summary>A real database the tests share; <see cref="CreateHarnessAsync"/> hands each test an empty, migrated ledger.</summary>
public interface ILedgerDatabase
{
    LedgerProvider Provider { get; }

    Task<LedgerHarness> CreateHarnessAsync(LedgerRetryOptions? retry = null);
}

/// <summary>SQLite files: one migrated template, copied for every test (TestSupport's <see cref="SqliteTestDatabase"/>).</summary>
public sealed class SqliteDatabaseFixture : ILedgerDatabase, IAsyncLifetime
{
    private readonly SqliteTestDatabase _database = new();

    public LedgerProvider Provider => LedgerProvider.Sqlite;

    public Task InitializeAsync() => _database.InitializeAsync();

    public async Task<LedgerHarness> CreateHarnessAsync(LedgerRetryOptions? retry = null) =>
        new(Provider, await _database.CreateAsync(), retry);

    public Task DisposeAsync() => _database.DisposeAsync();
}

/// <summary>
/// A real PostgreSQL server (FUNCLEDGER_TEST_POSTGRES, set by the test command): one database per run, migrated once,
/// emptied between tests (TestSupport's <see cref="PostgresTestDatabase"/>). No server configured is a failure, never a skip.
/// </summary>
public sealed class PostgresDatabaseFixture : ILedgerDatabase, IAsyncLifetime
{
    private readonly PostgresTestDatabase _database = new();

    public LedgerProvider Provider => LedgerProvider.Postgres;

    public Task InitializeAsync() => _database.InitializeAsync();

    public async Task<LedgerHarness> CreateHarnessAsync(LedgerRetryOptions? retry = null)
    {
        var harness = new LedgerHarness(Provider, await _database.CreateAsync(), retry);
        // A fault-injection test may have left its trigger behind (LedgerHarness.InstallFaultTriggerAsync).
        await harness.ExecuteAsync("DROP TRIGGER IF EXISTS trg_test_inject_fault ON ledger_entries;");
        return harness;
    }

    public Task DisposeAsync() => _database.DisposeAsync();
}

/// <summary>PostgreSQL with every write on the general path (no statement on the server): the property tests run the same
/// random operations through both paths against one model.</summary>
public sealed class PostgresGeneralPathFixture : ILedgerDatabase, IAsyncLifetime
{
    private readonly PostgresTestDatabase _database = new();

    public LedgerProvider Provider => LedgerProvider.Postgres;

    public Task InitializeAsync() => _database.InitializeAsync();

    public async Task<LedgerHarness> CreateHarnessAsync(LedgerRetryOptions? retry = null) =>
        new(Provider, await _database.CreateAsync(), retry, generalPathOnly: true);

    public Task DisposeAsync() => _database.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class PostgresGeneralPathCollection : ICollectionFixture<PostgresGeneralPathFixture>
{
    public const string Name = "postgres general path";
}

/// <summary>A real SQL Server (FUNCLEDGER_TEST_SQLSERVER, the opt-in lane): one database per run, migrated once, emptied
/// between tests (TestSupport's <see cref="SqlServerTestDatabase"/>). Only classes marked <see cref="SqlServerLaneAttribute"/>
/// use it, and those are generated only when the lane is on.</summary>
public sealed class SqlServerDatabaseFixture : ILedgerDatabase, IAsyncLifetime
{
    private readonly SqlServerTestDatabase _database = new();

    public LedgerProvider Provider => LedgerProvider.SqlServer;

    public Task InitializeAsync() => _database.InitializeAsync();

    public async Task<LedgerHarness> CreateHarnessAsync(LedgerRetryOptions? retry = null) =>
        new(Provider, await _database.CreateAsync(), retry);

    public Task DisposeAsync() => _database.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class SqlServerCollection : ICollectionFixture<SqlServerDatabaseFixture>
{
    public const string Name = "sqlserver";
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
