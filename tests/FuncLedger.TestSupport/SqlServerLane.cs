using FuncLedger.Core.Persistence;
using Microsoft.Data.SqlClient;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace FuncLedger.TestSupport;

/// <summary>
/// The opt-in SQL Server lane: FUNCLEDGER_TEST_SQLSERVER (a connection string to a server, e.g. a SQL Server 2022
/// container) adds the classes marked <see cref="SqlServerLaneAttribute"/> to the run. Where it is unset they are not
/// generated at all (<see cref="LaneTestFramework"/>): no skipped test, no failure.
/// </summary>
public static class SqlServerLane
{
    public const string Variable = "FUNCLEDGER_TEST_SQLSERVER";

    public static string? ConnectionString => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;

    public static bool Enabled => ConnectionString is not null;

    /// <summary>True when the class's tests belong in this run.</summary>
    public static bool Generates(Type testClass) =>
        Enabled || !testClass.IsDefined(typeof(SqlServerLaneAttribute), inherit: true);

    /// <summary>Runs a statement on the server's master database (CREATE / DROP DATABASE).</summary>
    public static async Task MasterAsync(string sql)
    {
        var master = new SqlConnectionStringBuilder(ConnectionString
            ?? throw new InvalidOperationException($"{Variable} is not set.")) { InitialCatalog = "master" };
        await using var connection = new SqlConnection(master.ConnectionString);
        await connection.OpenAsync();
        await using var command = new SqlCommand(sql, connection) { CommandTimeout = 120 };
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>Marks a test class that runs on SQL Server: generated only in the SQL Server lane.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public sealed class SqlServerLaneAttribute : Attribute;

/// <summary>xUnit's own framework, with discovery that leaves out the SQL Server lane's classes when it is off.
/// A test assembly opts in with <c>[assembly: TestFramework("FuncLedger.TestSupport.LaneTestFramework", "FuncLedger.TestSupport")]</c>.</summary>
public sealed class LaneTestFramework(IMessageSink messageSink) : XunitTestFramework(messageSink)
{
    protected override ITestFrameworkDiscoverer CreateDiscoverer(IAssemblyInfo assemblyInfo) =>
        new LaneDiscoverer(assemblyInfo, SourceInformationProvider, DiagnosticMessageSink);

    private sealed class LaneDiscoverer(IAssemblyInfo assembly, ISourceInformationProvider source, IMessageSink sink)
        : XunitTestFrameworkDiscoverer(assembly, source, sink)
    {
        protected override bool FindTestsForType(
            ITestClass testClass, bool includeSourceInformation, IMessageBus messageBus, ITestFrameworkDiscoveryOptions discoveryOptions) =>
            !SqlServerLane.Generates(testClass.Class.ToRuntimeType())
            || base.FindTestsForType(testClass, includeSourceInformation, messageBus, discoveryOptions);
    }
}

/// <summary>One SQL Server database per fixture (created on the lane's server, migrated once, emptied before each test,
/// dropped at the end).</summary>
public sealed class SqlServerTestDatabase : ILedgerTestDatabase, IAsyncLifetime
{
    private readonly string _database = "funcledger_t_" + Guid.NewGuid().ToString("N")[..12];
    private string _connection = "";

    public LedgerProvider Provider => LedgerProvider.SqlServer;

    public string ConnectionString => _connection;

    public async Task InitializeAsync()
    {
        // As Azure SQL Database creates every database: read committed snapshot and snapshot isolation on.
        await SqlServerLane.MasterAsync($"CREATE DATABASE [{_database}]");
        await SqlServerLane.MasterAsync(
            $"ALTER DATABASE [{_database}] SET READ_COMMITTED_SNAPSHOT ON WITH ROLLBACK IMMEDIATE; "
            + $"ALTER DATABASE [{_database}] SET ALLOW_SNAPSHOT_ISOLATION ON;");
        _connection = new SqlConnectionStringBuilder(SqlServerLane.ConnectionString) { InitialCatalog = _database, MaxPoolSize = 40 }
            .ConnectionString;
        await Migrations.ApplyAsync(LedgerProvider.SqlServer, _connection);
    }

    /// <summary>TRUNCATE restarts identities; wallets and entries are referenced by foreign keys, so they are deleted (entries
    /// with the immutability trigger disabled for the test's reset) and their identities reseeded (next id 1).</summary>
    public async Task<string> CreateAsync()
    {
        await using var connection = new SqlConnection(_connection);
        await connection.OpenAsync();
        await using var reset = new SqlCommand("""
            DROP TRIGGER IF EXISTS trg_test_inject_fault;
            DELETE FROM promo_attempts; DELETE FROM promo_codes; DELETE FROM promo_grants; DELETE FROM promo_redemptions; DELETE FROM promo_campaigns;
            DELETE FROM shop_checkout_lines; DELETE FROM shop_checkouts;
            DELETE FROM shop_consumptions; DELETE FROM shop_refunds; DELETE FROM shop_inventory; DELETE FROM shop_purchases; DELETE FROM shop_items;
            TRUNCATE TABLE ledger_refusals; TRUNCATE TABLE ledger_reversals; DELETE FROM ledger_holds;
            TRUNCATE TABLE wallet_changes; TRUNCATE TABLE reconciliation_runs; TRUNCATE TABLE payout_rejections;
            TRUNCATE TABLE history_link_epochs; TRUNCATE TABLE client_keys; TRUNCATE TABLE postings;
            IF EXISTS (SELECT 1 FROM sys.identity_columns WHERE object_id = OBJECT_ID('ledger_holds') AND last_value IS NOT NULL)
                DBCC CHECKIDENT ('ledger_holds', RESEED, 0) WITH NO_INFOMSGS;
            DISABLE TRIGGER trg_ledger_entries_immutable ON ledger_entries;
            DELETE FROM ledger_entries;
            ENABLE TRIGGER trg_ledger_entries_immutable ON ledger_entries;
            DELETE FROM wallets;
            IF EXISTS (SELECT 1 FROM sys.identity_columns WHERE object_id = OBJECT_ID('wallets') AND last_value IS NOT NULL)
                DBCC CHECKIDENT ('wallets', RESEED, 0) WITH NO_INFOMSGS;
            IF EXISTS (SELECT 1 FROM sys.identity_columns WHERE object_id = OBJECT_ID('ledger_entries') AND last_value IS NOT NULL)
                DBCC CHECKIDENT ('ledger_entries', RESEED, 0) WITH NO_INFOMSGS;
            """, connection);
        await reset.ExecuteNonQueryAsync();
        return _connection;
    }

    public async Task DisposeAsync()
    {
        SqlConnection.ClearAllPools();
        if (_connection.Length > 0)
        {
            await SqlServerLane.MasterAsync(
                $"ALTER DATABASE [{_database}] SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE [{_database}];");
        }
    }
}
