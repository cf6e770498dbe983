using System.Data.Common;

namespace FuncLedger.Core.Persistence;

/// <summary>What an error means for the unit of work, and so which policy it gets (<see cref="LedgerUnitOfWork"/>).</summary>
internal enum DatabaseErrorClass
{
    /// <summary>Not the database's weather: the error surfaces as it is.</summary>
    None,

    /// <summary>A deadlock, a serialization failure or a busy/locked database: run the whole unit of work again at once (the
    /// short jittered policy).</summary>
    Contention,

    /// <summary>The service answered before or instead of the work and rolled it back (Azure SQL resuming from pause, a
    /// failover, throttling): the long policy within its deadline, then unavailable with the error's Retry-After.</summary>
    Resuming,

    /// <summary>The database could not be reached or went away mid-operation: never retried inside, since a commit's outcome
    /// may be unknown; the caller retries with the same key, which applies the operation at most once.</summary>
    Unavailable,
}

/// <summary>How a provider's errors are classified. Each provider's subclass sits with its commands.</summary>
internal abstract class DatabaseErrors
{
    /// <summary>The class of one exception (not what it wraps: <see cref="ClassifyAnywhere"/> walks those).</summary>
    public abstract DatabaseErrorClass Classify(Exception exception);

    /// <summary>The wait the service asked for before the next try, when it named one.</summary>
    public virtual TimeSpan? RetryAfter(Exception exception) => null;

    /// <summary>True for a deadlock, a serialization failure or a busy/locked database: the whole unit of work may run again.</summary>
    public bool IsTransient(Exception exception) => Classify(exception) == DatabaseErrorClass.Contention;

    /// <summary>True when an insert lost the race for an idempotency key to a concurrent first request.</summary>
    public abstract bool IsIdempotencyKeyViolation(Exception exception);

    /// <summary><see cref="IsIdempotencyKeyViolation"/> for a command's error and for the same error inside what EF wraps it
    /// in (a <c>DbUpdateException</c> for an insert through the context).</summary>
    public bool IsKeyRace(Exception exception) => Causes(exception).Any(IsIdempotencyKeyViolation);

    /// <summary>True when a statement named a table that does not exist (a database not migrated yet).</summary>
    public abstract bool IsUndefinedTable(Exception exception);

    /// <summary>
    /// True when the database is not there for the operation: unreachable, gone mid-operation, or resuming (answered 503 with
    /// Retry-After once the retries are spent). The caller retries with the same idempotency key, which applies the operation
    /// at most once.
    /// </summary>
    public bool IsUnavailable(Exception exception) =>
        Classify(exception) is DatabaseErrorClass.Unavailable or DatabaseErrorClass.Resuming;

    /// <summary>The first class the error or anything it wraps has: EF wraps a provider's error in a DbUpdateException (an
    /// insert through the context), and that in its execution strategy's InvalidOperationException.</summary>
    public DatabaseErrorClass ClassifyAnywhere(Exception exception) =>
        Causes(exception).Select(Classify).FirstOrDefault(c => c != DatabaseErrorClass.None);

    /// <summary><see cref="RetryAfter"/> of the error or anything it wraps.</summary>
    public TimeSpan? RetryAfterAnywhere(Exception exception) => Causes(exception).Select(RetryAfter).FirstOrDefault(r => r is not null);

    /// <summary><see cref="IsTransient"/> for the error or any it wraps.</summary>
    public bool IsTransientAnywhere(Exception exception) => ClassifyAnywhere(exception) == DatabaseErrorClass.Contention;

    /// <summary><see cref="IsUnavailable"/> for the error or any it wraps.</summary>
    public bool IsUnavailableAnywhere(Exception exception) =>
        ClassifyAnywhere(exception) is DatabaseErrorClass.Unavailable or DatabaseErrorClass.Resuming;

    /// <summary>What every provider calls unavailable: a driver's own transient error or timeout, a broken socket.</summary>
    protected static bool IsNetworkFailure(Exception exception) =>
        exception is DbException { IsTransient: true } or TimeoutException
        || exception.InnerException is IOException or System.Net.Sockets.SocketException;

    /// <summary>True for a state error the driver itself raised (an InvalidOperationException thrown inside
    /// <paramref name="driver"/>: the transaction is already completed, the connection is not open). The ledger never uses a
    /// transaction or connection after it is done with it, so mid-operation this means the connection broke under it.</summary>
    protected static bool IsDriverStateError(Exception exception, System.Reflection.Assembly driver) =>
        exception is InvalidOperationException { InnerException: null } && exception.TargetSite?.DeclaringType?.Assembly == driver;

    private static IEnumerable<Exception> Causes(Exception exception)
    {
        for (var cause = exception; cause is not null; cause = cause.InnerException)
        {
            yield return cause;
        }
    }
}
