using FuncLedger.Core.Domain;
using FuncLedger.Core.Persistence.Commands;

namespace FuncLedger.Core.Operations;

/// <summary>
/// The idempotency rule, decided inside the write's transaction: a posting whose key exists replays the original entry
/// when its fingerprint and amount match and is an <see cref="IdempotencyConflictException"/> otherwise.
/// </summary>
internal static class Replay
{
    /// <summary>Fills <paramref name="result"/> for the postings that replay and returns the indexes of those to write.</summary>
    public static List<int> Match(IReadOnlyList<Posting> postings, List<EntryRow> existing, Posted[] result)
    {
        var pending = new List<int>(postings.Count);
        if (existing.Count == 0)
        {
            for (var i = 0; i < postings.Count; i++)
            {
                pending.Add(i);
            }

            return pending;
        }

        var byKey = existing.ToDictionary(e => e.Key, StringComparer.Ordinal);
        for (var i = 0; i < postings.Count;)
        {
            // A group (a transfer's two sides) replays whole or conflicts whole.
            var group = postings[i].Group;
            var end = i;
            while (end < postings.Count && postings[end].Group == group)
            {
                end++;
            }

            var found = 0;
            for (var j = i; j < end; j++)
            {
                var posting = postings[j];
                // Keyed and unkeyed postings never mix in one call, and existing entries imply keys.
                if (byKey.TryGetValue(posting.Key!, out var entry))
                {
                    if (!string.Equals(entry.Fingerprint, posting.Fingerprint, StringComparison.Ordinal) || entry.Amount != posting.Delta)
                    {
                        throw new IdempotencyConflictException(posting.Key!);
                    }

                    result[j] = new Posted(entry.WalletId, entry.Id, entry.BalanceAfter, Replayed: true);
                    found++;
                }
            }

            if (found == 0)
            {
                for (var j = i; j < end; j++)
                {
                    pending.Add(j);
                }
            }
            else
            {
                // Both sides of a transfer are written together: one side without the other is corruption, not a conflict.
                Sql.Invariant(found == end - i, "a transfer's entries exist on one side only");
            }

            i = end;
        }

        return pending;
    }
}
