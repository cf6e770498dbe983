namespace FuncLedger.Core.Tests.Infrastructure;

/// <summary>
/// A clock for the ledger's timestamps that moves forward by one millisecond on every read, so entry
/// times are deterministic and strictly increasing. Timers and delays (the retry layer's backoff) stay real.
/// </summary>
public sealed class SteppingTimeProvider(DateTimeOffset start) : TimeProvider
{
    private long _reads;

    public override DateTimeOffset GetUtcNow() => start.AddMilliseconds(Interlocked.Increment(ref _reads));
}
