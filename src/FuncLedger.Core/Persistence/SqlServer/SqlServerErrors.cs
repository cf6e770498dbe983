using Microsoft.Data.SqlClient;

namespace FuncLedger.Core.Persistence.SqlServer;

/// <summary>
/// SQL Server's and Azure SQL's error numbers, each mapped to one class in one table (<see cref="Numbers"/>), and each class
/// to one policy: <see cref="DatabaseErrorClass.Contention"/> (a deadlock, a snapshot conflict) runs the whole unit of work
/// again at once, with the short jittered policy; <see cref="DatabaseErrorClass.Resuming"/> (a serverless database resuming,
/// a failover, throttling: Azure SQL has rolled the transaction back, or never started it) gets the long policy with a
/// deadline (<see cref="LedgerRetryOptions.ResumeRetryDeadlineMs"/>), then a 503 whose Retry-After is the error's own;
/// <see cref="DatabaseErrorClass.Unavailable"/> (the connection broke or timed out: a commit's outcome may be unknown) is
/// never retried inside, and the caller retries with its key. 2601/2627 on a key index: a key race; 208: an undefined table.
/// </summary>
internal sealed class SqlServerErrors : DatabaseErrors
{
    public static readonly SqlServerErrors Instance = new();

    private const int DuplicateKeyRow = 2601;
    private const int UniqueConstraint = 2627;
    private const int InvalidObjectName = 208;

    /// <summary>Every error number the ledger treats specially: its class, and for a resuming error the wait Azure asks for
    /// (seconds) before the next try. Azure SQL's own list of transient errors for retry logic, plus SqlClient's network ones.
    /// </summary>
    internal static readonly IReadOnlyDictionary<int, (DatabaseErrorClass Class, int RetryAfterSeconds)> Numbers =
        new Dictionary<int, (DatabaseErrorClass, int)>
        {
            [1205] = (DatabaseErrorClass.Contention, 0), // chosen as the deadlock victim
            [3960] = (DatabaseErrorClass.Contention, 0), // snapshot isolation update conflict
            [40613] = (DatabaseErrorClass.Resuming, 15), // database not currently available: serverless resume, failover
            [40501] = (DatabaseErrorClass.Resuming, 10), // the service is busy: "retry the request after 10 seconds"
            [40197] = (DatabaseErrorClass.Resuming, 5), // the service had an error processing the request (reconfiguration)
            [49918] = (DatabaseErrorClass.Resuming, 10), // cannot process the request: not enough resources
            [49919] = (DatabaseErrorClass.Resuming, 10), // cannot process create or update requests: too many in progress
            [49920] = (DatabaseErrorClass.Resuming, 10), // cannot process the request: too many operations in progress
            [4060] = (DatabaseErrorClass.Resuming, 15), // cannot open the database requested by the login (resuming)
            [4221] = (DatabaseErrorClass.Resuming, 5), // login to a read-secondary failed during a replica change
            [10928] = (DatabaseErrorClass.Resuming, 10), // resource limit reached (workers, sessions)
            [10929] = (DatabaseErrorClass.Resuming, 10), // resource limit: minimum guarantee not met
            [233] = (DatabaseErrorClass.Unavailable, 0), // no process is on the other end of the pipe
            [64] = (DatabaseErrorClass.Unavailable, 0), // the specified network name is no longer available
            [121] = (DatabaseErrorClass.Unavailable, 0), // transport-level error: the semaphore timeout period has expired
            [-1] = (DatabaseErrorClass.Unavailable, 0), // a network-related error establishing the connection
            [-2] = (DatabaseErrorClass.Unavailable, 0), // timeout expired
            [10053] = (DatabaseErrorClass.Unavailable, 0), // connection aborted by the host
            [10054] = (DatabaseErrorClass.Unavailable, 0), // connection reset by the peer
            [10060] = (DatabaseErrorClass.Unavailable, 0), // connection attempt timed out
        };

    public override DatabaseErrorClass Classify(Exception exception) => exception switch
    {
        SqlException e when Numbers.TryGetValue(e.Number, out var known) => known.Class,
        _ when IsNetworkFailure(exception) || IsDriverStateError(exception, typeof(SqlException).Assembly) =>
            DatabaseErrorClass.Unavailable,
        _ => DatabaseErrorClass.None,
    };

    public override TimeSpan? RetryAfter(Exception exception) =>
        exception is SqlException e && Numbers.TryGetValue(e.Number, out var known) && known.RetryAfterSeconds > 0
            ? TimeSpan.FromSeconds(known.RetryAfterSeconds)
            : null;

    public override bool IsUndefinedTable(Exception exception) => exception is SqlException { Number: InvalidObjectName };

    public override bool IsIdempotencyKeyViolation(Exception exception) =>
        exception is SqlException { Number: DuplicateKeyRow or UniqueConstraint } e
        && (e.Message.Contains(Commands.Sql.IdempotencyKeyIndex, StringComparison.Ordinal)
            || e.Message.Contains(Commands.Sql.RefusalKeyIndex, StringComparison.Ordinal)
            || e.Message.Contains(Commands.Sql.HoldKeyIndex, StringComparison.Ordinal)
            || e.Message.Contains(Commands.Sql.ClientKeyIndex, StringComparison.Ordinal)
            || e.Message.Contains(Commands.Sql.HoldClosedKeyIndex, StringComparison.Ordinal)
            || e.Message.Contains(Commands.Sql.PostingStemIndex, StringComparison.Ordinal));
}
