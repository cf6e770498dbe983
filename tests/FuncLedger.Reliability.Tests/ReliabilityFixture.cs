using Azure.Storage.Queues;
using FuncLedger.TestSupport;
using Xunit.Abstractions;

// Classes marked [SqlServerLane] are generated only when FUNCLEDGER_TEST_SQLSERVER is set.
[assembly: TestFramework("FuncLedger.TestSupport.LaneTestFramework", "FuncLedger.TestSupport")]

namespace FuncLedger.Reliability.Tests;

/// <summary>The profile: quick (in the test command, fixed seeds, well under 5 minutes) or long
/// (FUNCLEDGER_RELIABILITY=long, from tests/reliability-long.sh).</summary>
public static class Profile
{
    public static bool Long => Environment.GetEnvironmentVariable("FUNCLEDGER_RELIABILITY") == "long";

    public static int Clients => 16;

    /// <summary>Operations per client in the mixed load (16 x 150 = 2,400 quick; 16 x 700 = 11,200 long).</summary>
    public static int OperationsPerClient => Long ? 700 : 150;

    public static int CrashCycles => Long ? 3 : 1;

    /// <summary>How long the database is down in the outage scenario: 2 minutes in the long profile (a failover or a serverless
    /// resume takes about one), 20 s in the quick one; both are within the payout retry window, which never runs out for an
    /// unavailable database.</summary>
    public static TimeSpan Outage => Long ? TimeSpan.FromMinutes(2) : TimeSpan.FromSeconds(20);

    public const int Seed = 20261126;
}

/// <summary>A PostgreSQL database, Azurite queues and a Standalone child process per scenario class.</summary>
public class ReliabilityFixture : IAsyncLifetime
{
    private readonly ILedgerTestDatabase _database;
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "funcledger-reliability-" + Guid.NewGuid().ToString("N")[..8]);

    public ReliabilityFixture() : this(new PostgresTestDatabase())
    {
    }

    protected ReliabilityFixture(ILedgerTestDatabase database) => _database = database;

    public StandaloneProcess Server { get; private set; } = null!;

    public Core.Persistence.LedgerProvider Provider => _database.Provider;

    public string ConnectionString { get; private set; } = "";

    public QueueClient Queue { get; private set; } = null!;

    public QueueClient Poison { get; private set; } = null!;

    public static string RepositoryRoot => TestPaths.RepositoryRoot;

    public async Task InitializeAsync()
    {
        await ((IAsyncLifetime)_database).InitializeAsync();
        ConnectionString = await _database.CreateAsync();
        Directory.CreateDirectory(_folder);
        var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        Queue = new QueueClient(TestServers.Azurite, "payout-awards", options);
        Poison = new QueueClient(TestServers.Azurite, "payout-awards-poison", options);
        await Queue.CreateIfNotExistsAsync();
        await Poison.CreateIfNotExistsAsync();
        Server = new StandaloneProcess(RepositoryRoot, Provider.ToString().ToLowerInvariant(), ConnectionString, TestServers.Azurite, _folder);
    }

    /// <summary>An empty ledger, empty queues and a freshly started server.</summary>
    public async Task ResetAsync()
    {
        await Server.StopAsync();
        await _database.CreateAsync();
        await Queue.ClearMessagesAsync();
        await Poison.ClearMessagesAsync();
        await Server.StartAsync();
    }

    public HttpClient Client() => new() { BaseAddress = Server.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        await ((IAsyncLifetime)_database).DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    public static void Summary(ITestOutputHelper output, string scenario, LoadLedger load, int faults, Invariants.Report report)
    {
        var line = $"| {scenario} | {load.Sent} | {load.Acknowledged.Count} | {load.Replays} | {load.Rejected.Count + load.Conflicts} "
            + $"| {load.Retries} | {faults} | {report} |";
        output.WriteLine(line);
        var file = Path.Combine(RepositoryRoot, "artifacts", "reliability-summary.md");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        lock (typeof(ReliabilityFixture))
        {
            if (!File.Exists(file))
            {
                File.WriteAllText(file, "| scenario | writes sent | acknowledged | replays | rejected (409/422) | retries | faults injected | invariants |\n"
                    + "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
            }

            File.AppendAllText(file, line + "\n");
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ReliabilityCollection : ICollectionFixture<ReliabilityFixture>
{
    public const string Name = "reliability";
}

/// <summary>The same, on SQL Server (the opt-in lane, FUNCLEDGER_TEST_SQLSERVER).</summary>
public sealed class SqlServerReliabilityFixture() : ReliabilityFixture(new SqlServerTestDatabase());

[CollectionDefinition(Name)]
public sealed class SqlServerReliabilityCollection : ICollectionFixture<SqlServerReliabilityFixture>
{
    public const string Name = "reliability-sqlserver";
}
