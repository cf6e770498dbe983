using Microsoft.Data.SqlClient;

namespace FuncLedger.Core.Persistence.SqlServer;

/// <summary>
/// SQL Server's and Azure SQL's error numbers. Transient, so the whole unit of work runs again: 1205 (deadlock victim), 3960
/// (snapshot update conflict), and the errors Azure SQL answers before or instead of doing the work, after which the
/// server has rolled the transaction back: 40613 (database unavailable, e.g. a serverless database resuming from
/// auto-pause), 40501 (service busy), 40197 (service error), 49918-49920 (cannot process the request), 4060 (cannot open the
/// database), 4221 (login timeout during a replica change), 10928/10929 (resource limits). Unavailable, never retried inside
/// (the outcome of a commit may be unknown): a broken or timed-out connection, 233, 64, -2, 10053, 10054, 10060. Both
/// answer 503 with Retry-After once the retries are spent. 2601/2627 on the key index: a key race; 208: an undefined table.
/// </summary>
internal sealed class SqlServerErrors : DatabaseErrors
{
    public static readonly SqlServerErrors Instance = new();

    private const int Deadlock = 1205;
    private const int SnapshotConflict = 3960;
    private const int DuplicateKeyRow = 2601;
    private const int UniqueConstraint = 2627;
    private const int InvalidObjectName = 208;

    private const int ConnectionBroken = 233;
    private const int NetworkNameGone = 64;
    private const int Timeout = -2;
    private const int ConnectionAborted = 10053;
    private const int ConnectionReset = 10054;
    private const int ConnectionTimedOut = 10060;

    /// <summary>Azure SQL's transient errors, as its documentation lists them for retry logic.</summary>
    private static readonly HashSet<int> AzureTransient = [40613, 40501, 40197, 49918, 49919, 49920, 4060, 4221, 10928, 10929];

    public override bool IsTransient(Exception exception) =>
        exception is SqlException e && (e.Number is Deadlock or SnapshotConflict || AzureTransient.Contains(e.Number));

    public override bool IsUnavailable(Exception exception) =>
        base.IsUnavailable(exception) || IsTransient(exception) || IsDriverStateError(exception, typeof(SqlException).Assembly)
        || exception is SqlException
        {
            Number: ConnectionBroken or NetworkNameGone or Timeout or ConnectionAborted or ConnectionReset or ConnectionTimedOut,
        };

    public override bool IsUndefinedTable(Exception exception) => exception is SqlException { Number: InvalidObjectName };

    public override bool IsIdempotencyKeyViolation(Exception exception) =>
        exception is SqlException { Number: DuplicateKeyRow or UniqueConstraint } e
        && (e.Message.Contains(Commands.Sql.IdempotencyKeyIndex, StringComparison.Ordinal)
            || e.Message.Contains(Commands.Sql.RefusalKeyIndex, StringComparison.Ordinal)
            || e.Message.Contains(Commands.Sql.HoldKeyIndex, StringComparison.Ordinal));
}
