using System.Data.Common;
using FuncLedger.Core.Persistence.Commands;

namespace FuncLedger.Core.Persistence.Postgres;

/// <summary>
/// <see cref="WriteCommand"/> as two statements over arrays, for keyed entries: one guarded update of every wallet (@w,
/// @b, @e: ids, new balances, expected old balances) returning the ids it updated, and failing on the server when any
/// wallet no longer held its expected balance (so the COMMIT behind it rolls back), then one insert of every entry (@ew,
/// @ea, @eb, @er, @ek, @ef, @em, @es, in order) returning (id, idempotency_key). Entry ids are matched by key, so nothing
/// depends on the order rows come back in. Parameter @now.
/// </summary>
internal sealed class PostgresArrayWriteCommand : WriteCommand
{
    internal static readonly string Text =
        "UPDATE wallets AS w SET cached_balance = " + PostgresRowWriteCommand.GuardedBalance("v.b", "w.cached_balance", "v.e")
        + ", updated_at = @now FROM unnest(@w, @b, @e) AS v(id, b, e) WHERE w.id = v.id RETURNING w.id;\n"
        + Sql.InsertEntryColumns + " SELECT v.ew, v.ea, v.eb, v.er, v.ek, v.ef, v.em, v.es, @now "
        + "FROM unnest(@ew, @ea, @eb, @er, @ek, @ef, @em, @es) WITH ORDINALITY AS v(ew, ea, eb, er, ek, ef, em, es, n) ORDER BY v.n "
        + "RETURNING id, idempotency_key;\n";

    public override async Task<(long[] Ids, long? PostingId)> ExecuteAsync(DbConnection connection, DbTransaction? transaction,
        IReadOnlyList<WalletRow> wallets, IReadOnlyList<EntryWrite> entries, DateTime now, WriteRecord record, string suffix,
        CancellationToken ct)
    {
        await using var write = Sql.Create(connection, transaction, Extras(record) + Text + suffix);
        BindExtras(write, record, entries.Count);
        Sql.AddTimestamp(write, "@now", now);
        Sql.Add(write, "@w", wallets.Select(w => w.Id).ToArray());
        Sql.Add(write, "@b", wallets.Select(w => w.Balance).ToArray());
        Sql.Add(write, "@e", wallets.Select(w => w.Original).ToArray());
        Sql.Add(write, "@ew", entries.Select(e => e.WalletId).ToArray());
        Sql.Add(write, "@ea", entries.Select(e => e.Amount).ToArray());
        Sql.Add(write, "@eb", entries.Select(e => e.BalanceAfter).ToArray());
        Sql.Add(write, "@er", entries.Select(e => e.Reason).ToArray());
        Sql.Add(write, "@ek", entries.Select(e => e.Key).ToArray());
        Sql.Add(write, "@ef", entries.Select(e => e.Fingerprint).ToArray());
        Sql.Add(write, "@em", entries.Select(e => e.Meta).ToArray());
        Sql.Add(write, "@es", entries.Select(e => (short)e.Source).ToArray());

        await using var reader = await write.ExecuteReaderAsync(ct);
        var postingId = await ReadExtrasAsync(reader, record, ct);
        // The second half of the lock's pair: every row still held the balance we read.
        var updated = new HashSet<long>();
        while (await reader.ReadAsync(ct))
        {
            updated.Add(reader.GetInt64(0));
        }

        Sql.Invariant(updated.SetEquals(wallets.Select(w => w.Id)), "a wallet changed under its lock");
        Sql.Invariant(await reader.NextResultAsync(ct), "the write returned no entries");
        var ids = new Dictionary<string, long>(entries.Count, StringComparer.Ordinal);
        while (await reader.ReadAsync(ct))
        {
            Sql.Invariant(ids.TryAdd(reader.GetString(1), reader.GetInt64(0)), "an entry key came back twice");
        }

        Sql.Invariant(ids.Count == entries.Count, "the write inserted a different number of entries");
        var result = new long[entries.Count];
        for (var j = 0; j < entries.Count; j++)
        {
            Sql.Invariant(ids.TryGetValue(entries[j].Key!, out result[j]), "an entry's key did not come back");
        }

        // Inline, the COMMIT comes last: reading past it makes a failed commit surface here.
        Sql.Invariant(!await reader.NextResultAsync(ct), "the write returned more results than it has statements");
        return (result, postingId);
    }
}
