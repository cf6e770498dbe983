using System.Collections.Concurrent;

namespace FuncLedger.Functions.Http;

/// <summary>Idempotency keys whose first request is running in this instance: a second one gets 409 at once
/// instead of queueing behind it. (Across instances the ledger itself serialises them and replays.)</summary>
public sealed class InFlightKeys
{
    private readonly ConcurrentDictionary<string, byte> _keys = new(StringComparer.Ordinal);

    public IDisposable? TryClaim(string? key)
    {
        if (key is null)
        {
            return Claim.None;
        }

        return _keys.TryAdd(key, 0) ? new Claim(this, key) : null;
    }

    private sealed class Claim(InFlightKeys? owner, string key) : IDisposable
    {
        public static readonly Claim None = new(null, "");

        public void Dispose() => owner?._keys.TryRemove(key, out _);
    }
}
