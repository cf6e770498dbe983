using System.Data.Common;

namespace FuncLedger.Core.Persistence;

/// <summary>How a provider's errors are classified. Each provider's subclass sits with its commands.</summary>
internal abstract class DatabaseErrors
{
    /// <summary>True for a deadlock, a serialization failure or a busy/locked database: the whole unit of work may run again.</summary>
    public abstract bool IsTransient(Exception exception);

    /// <summary>True when an insert lost the race for an idempotency key to a concurrent first request.</summary>
    public abstract bool IsIdempotencyKeyViolation(Exception exception);

    /// <summary><see cref="IsIdempotencyKeyViolation"/> for a command's error and for the same error inside what EF wraps it
    /// in (a <c>DbUpdateException</c> for an insert through the context).</summary>
    public bool IsKeyRace(Exception exception) => Causes(exception).Any(IsIdempotencyKeyViolation);

    /// <summary>True when a statement named a table that does not exist (a database not migrated yet).</summary>
    public abstract bool IsUndefinedTable(Exception exception);

    /// <summary>
    /// True when the database could not be reached or went away mid-operation (network failure, server restart, too many
    /// connections). Never retried inside the core, because a commit's outcome may be unknown; the caller retries with the
    /// same idempotency key, which applies the operation at most once.
    /// </summary>
    /// <remarks>One exception at a time: <see cref="IsUnavailableAnywhere"/> walks what it wraps.</remarks>
    public virtual bool IsUnavailable(Exception exception) =>
        exception is DbException { IsTransient: true } or TimeoutException
        || exception.InnerException is IOException or System.Net.Sockets.SocketException;

    /// <summary><see cref="IsTransient"/> for the error or any it wraps: EF wraps a provider's error in a DbUpdateException
    /// (an insert through the context), and that in its execution strategy's InvalidOperationException.</summary>
    public bool IsTransientAnywhere(Exception exception) => Causes(exception).Any(IsTransient);

    /// <summary><see cref="IsUnavailable"/> for the error or any it wraps (see <see cref="IsTransientAnywhere"/>).</summary>
    public bool IsUnavailableAnywhere(Exception exception) => Causes(exception).Any(IsUnavailable);

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
