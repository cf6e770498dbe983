using FuncLedger.Core.Domain;
using FuncLedger.Core.Persistence.Commands;

namespace FuncLedger.Core.Operations;

/// <summary>
/// The idempotency rule, decided inside the write's transaction: a posting whose key exists replays the original entry
/// when its fingerprint and amount match and is an <see cref="IdempotencyConflictException"/> otherwise. A key whose first
/// request was refused for insufficient funds answers that refusal again (<see cref="InsufficientFundsException.Replayed"/>).
/// </summary>
internal static class Replay
{
    /// <summary>One key, one operation: a client key another request registered (of any kind, or the same kind with other terms)
    /// is an <see cref="IdempotencyConflictException"/>; the same request's row passes. The lookup without the registry's rows.
    /// </summary>
    public static List<EntryRow> CheckClientKey(List<EntryRow> existing, ClientKeyWrite? client)
    {
        // A request without a client key never meets a registered one (its keys are derived or the ledger's own), but if it
        // did, no fingerprint would match.
        var mine = client?.Fingerprint;
        if (!existing.Exists(r => r.IsClientKey))
        {
            return existing;
        }

        foreach (var registered in existing.Where(r => r.IsClientKey))
        {
            if (!string.Equals(registered.Fingerprint, mine, StringComparison.Ordinal))
            {
                throw new IdempotencyConflictException(registered.Key);
            }
        }

        return existing.FindAll(r => !r.IsClientKey);
    }

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

        var byKey = new Dictionary<string, EntryRow>(existing.Count, StringComparer.Ordinal);
        foreach (var row in existing)
        {
            // An entry wins over a kept refusal of the same key: only two requests racing under one key on two instances
            // can leave both, and the entry is what happened to the balance.
            if (!byKey.TryGetValue(row.Key, out var kept) || IsRefusal(kept))
            {
                byKey[row.Key] = row;
            }
        }

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
            EntryRow? refusal = null;
            for (var j = i; j < end; j++)
            {
                var posting = postings[j];
                // Keyed and unkeyed postings never mix in one call, and existing entries imply keys.
                if (byKey.TryGetValue(posting.Key!, out var entry))
                {
                    // A hold's key (a negative id) is never an entry's: the key serves another request.
                    if (entry.Id < 0 || entry.Amount != posting.Delta
                        || !string.Equals(entry.Fingerprint, posting.Fingerprint, StringComparison.Ordinal))
                    {
                        throw new IdempotencyConflictException(posting.Key!);
                    }

                    if (IsRefusal(entry))
                    {
                        refusal = entry;
                        continue;
                    }

                    result[j] = new Posted(entry.WalletId, entry.Id, entry.BalanceAfter, Replayed: true);
                    found++;
                }
            }

            if (found == 0 && refusal is { } refused)
            {
                // The first answer under this key was a refusal: it is the answer again, whatever the balance is now.
                throw new InsufficientFundsException(refused.WalletId, refused.BalanceAfter, -refused.Amount) { Replayed = true };
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

    /// <summary>A kept refusal comes back from the lookup as a row with id 0 (<see cref="Sql.RefusalColumns"/>).</summary>
    private static bool IsRefusal(EntryRow row) => row.Id == 0;
}
