using System.Data.Common;

namespace FuncLedger.Core.Persistence;

/// <summary>How a provider's errors are classified. Each provider's subclass sits with its commands.</summary>
internal abstract class DatabaseErrors
{
    /// <summary>True for a deadlock, a serialization failure or a busy/locked database: the whole unit of work may run again.</summary>
    public abstract bool IsTransient(Exception exception);

    /// <summary>True when an insert lost the race for an idempotency key to a concurrent first request.</summary>
    public abstract bool IsIdempotencyKeyViolation(Exception exception);

    /// <summary><see cref="IsIdempotencyKeyViolation"/> for a command's error and for the same error inside EF's
    /// <c>DbUpdateException</c> (an insert through the context).</summary>
    public bool IsKeyRace(Exception exception) => IsIdempotencyKeyViolation(
        exception is Microsoft.EntityFrameworkCore.DbUpdateException { InnerException: { } inner } ? inner : exception);

    /// <summary>True when a statement named a table that does not exist (a database not migrated yet).</summary>
    public abstract bool IsUndefinedTable(Exception exception);

    /// <summary>
    /// True when the database could not be reached or went away mid-operation (network failure, server restart, too many
    /// connections). Never retried inside the core, because a commit's outcome may be unknown; the caller retries with the
    /// same idempotency key, which applies the operation at most once.
    /// </summary>
    public virtual bool IsUnavailable(Exception exception) =>
        exception is DbException { IsTransient: true } || exception is TimeoutException
        || exception.InnerException is DbException { IsTransient: true } or TimeoutException or IOException
            or System.Net.Sockets.SocketException;
}
