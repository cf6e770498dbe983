namespace FuncLedger.Core.Tests.Infrastructure;

/// <summary>
/// A clock for the ledger's timestamps that moves forward by one millisecond on every read, so entry
/// times are deterministic and strictly increasing. Timers and delays (the retry layer's backoff) stay real.
/// </summary>
public sealed class SteppingTimeProvider(DateTimeOffset start) : TimeProvider
{
    private long _reads;
    private long _shiftTicks;

    public override DateTimeOffset GetUtcNow() =>
        start.AddMilliseconds(Interlocked.Increment(ref _reads)).AddTicks(Interlocked.Read(ref _shiftTicks));

    /// <summary>Moves the clock by <paramref name="by"/> (backwards too): another instance's clock, or one read before a lock.</summary>
    public void Shift(TimeSpan by) => Interlocked.Add(ref _shiftTicks, by.Ticks);
}
