namespace FuncLedger.Core.Domain;

/// <summary>
/// The database is unreachable, went away mid-operation, is resuming or throttling, or stayed busy (deadlocks, serialization
/// failures, a locked file) through every retry. The one exception the core raises for it, whatever the provider: the
/// outcome of a write may be unknown, so the caller retries with the same idempotency key, which applies the operation at
/// most once. The provider's own error is the inner exception; <see cref="RetryAfter"/> is the wait the service asked for.
/// </summary>
public sealed class LedgerUnavailableException(Exception inner, TimeSpan? retryAfter = null)
    : Exception("The ledger's database is busy or unreachable.", inner)
{
    /// <summary>How long the database said to wait (Azure SQL's resume and throttling errors), or null.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;
}
