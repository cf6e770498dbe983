using Microsoft.Data.SqlClient;
using Npgsql;

namespace FuncLedger.Core.Persistence;

/// <summary>
/// How the ledger shapes its server connection strings (settings <c>Ledger:PoolSizeMax</c>, <c>Ledger:ApplicationName</c>,
/// <c>Ledger:ConnectTimeoutSeconds</c>, <c>Ledger:ConnectRetryCount</c>); a keyword the connection string sets itself always
/// wins. The pool size is the capacity rule's: every instance of the app opens at most this many connections, and the infra
/// keeps <c>maximumInstanceCount</c> x pool within the database tier's connection (or worker) limit less a reserve for
/// migrations and operators.
/// </summary>
public sealed class LedgerConnectionOptions
{
    /// <summary>
    /// Connections per instance by default. More requests than connections wait for one in the pool's queue, in order,
    /// instead of piling onto the server: over HTTP with 32 and 128 connections on 2 cores (PostgreSQL on the same cores),
    /// a pool of 100 gave p99 280-630 ms at 32 and 1.2 s at 128, a pool of 8 gave 46-54 ms and 155-174 ms at the same
    /// throughput (about 1,000 transfers/s). It also keeps a scaled-out app within the server's connection limit.
    /// </summary>
    public const int PoolSizeMaxDefault = 8;

    /// <summary>The most a pool may be set to.</summary>
    public const int PoolSizeMaxLimit = 200;

    /// <summary>Prepared statements kept per PostgreSQL connection.</summary>
    public const int PostgresAutoPrepareMax = 64;

    /// <summary>SQL Server: how long a login may take. An Azure SQL serverless database resuming from pause or a failover takes
    /// about a minute; SqlClient's 15 s would fail every first request after a pause.</summary>
    public const int SqlServerConnectTimeoutSecondsDefault = 60;

    /// <summary>SQL Server: how often SqlClient reconnects an idle pooled connection that the server dropped (idle connection
    /// resiliency) before the ledger sees an error.</summary>
    public const int SqlServerConnectRetryCountDefault = 3;

    public int PoolSizeMax { get; set; } = PoolSizeMaxDefault;

    /// <summary>Reconciliation's scan of every entry gets this long (seconds; 0: no limit), not the driver's 30 s.</summary>
    public int ScanTimeoutSeconds { get; set; } = 600;

    /// <summary>The name the server sees (pg_stat_activity, sys.dm_exec_sessions); with the pool size it is part of the pool's
    /// key, so the warm-up's connection and the ledger's share one pool.</summary>
    public string ApplicationName { get; set; } = "funcledger";

    /// <summary>Null: the driver's default on PostgreSQL, <see cref="SqlServerConnectTimeoutSecondsDefault"/> on SQL Server.</summary>
    public int? ConnectTimeoutSeconds { get; set; }

    /// <summary>Null: <see cref="SqlServerConnectRetryCountDefault"/> on SQL Server (PostgreSQL has no such setting).</summary>
    public int? ConnectRetryCount { get; set; }

    internal void Validate()
    {
        if (PoolSizeMax is < 1 or > PoolSizeMaxLimit || string.IsNullOrWhiteSpace(ApplicationName) || ApplicationName.Length > 128
            || ConnectTimeoutSeconds is < 1 or > 600 || ConnectRetryCount is < 0 or > 255 || ScanTimeoutSeconds is < 0 or > 86_400)
        {
            throw new InvalidOperationException($"Ledger connection settings: PoolSizeMax 1 to {PoolSizeMaxLimit}, ApplicationName 1 to "
                + "128 characters, ConnectTimeoutSeconds 1 to 600, ConnectRetryCount 0 to 255, ScanTimeoutSeconds 0 to 86400.");
        }
    }

    /// <summary>PostgreSQL: statements prepared once per connection, no reset of a pooled connection (the ledger keeps no
    /// session state), the pool size and application name; each unless the connection string says otherwise.</summary>
    public string Postgres(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var given = Given(connectionString);
        if (!given.Contains("MAXAUTOPREPARE"))
        {
            builder.MaxAutoPrepare = PostgresAutoPrepareMax;
            builder.AutoPrepareMinUsages = 2;
        }

        if (!given.Contains("NORESETONCLOSE"))
        {
            builder.NoResetOnClose = true;
        }

        if (!given.Overlaps(["MAXPOOLSIZE", "MAXIMUMPOOLSIZE"]))
        {
            builder.MaxPoolSize = PoolSizeMax;
        }

        if (!given.Contains("APPLICATIONNAME"))
        {
            builder.ApplicationName = ApplicationName;
        }

        if (ConnectTimeoutSeconds is { } timeout && !given.Overlaps(["TIMEOUT", "CONNECTTIMEOUT"]))
        {
            builder.Timeout = timeout;
        }

        return builder.ToString();
    }

    /// <summary>SQL Server (Azure SQL): the pool size, the application name, a login timeout that outlasts a serverless resume,
    /// and idle connection resiliency; each unless the connection string says otherwise.</summary>
    public string SqlServer(string connectionString)
    {
        var builder = new SqlConnectionStringBuilder(connectionString);
        var given = Given(connectionString);
        if (!given.Overlaps(["MAXPOOLSIZE"]))
        {
            builder.MaxPoolSize = PoolSizeMax;
        }

        if (!given.Overlaps(["APPLICATIONNAME", "APP"]))
        {
            builder.ApplicationName = ApplicationName;
        }

        if (!given.Overlaps(["CONNECTTIMEOUT", "CONNECTIONTIMEOUT", "TIMEOUT"]))
        {
            builder.ConnectTimeout = ConnectTimeoutSeconds ?? SqlServerConnectTimeoutSecondsDefault;
        }

        if (!given.Overlaps(["CONNECTRETRYCOUNT"]))
        {
            builder.ConnectRetryCount = ConnectRetryCount ?? SqlServerConnectRetryCountDefault;
        }

        return builder.ToString();
    }

    /// <summary>The keywords a connection string sets, upper-cased without spaces (so "Max Pool Size" and "MaxPoolSize" match).
    /// </summary>
    private static HashSet<string> Given(string connectionString) =>
        [.. connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(part => part.Split('=', 2)[0].Replace(" ", "", StringComparison.Ordinal).Trim().ToUpperInvariant())];
}
