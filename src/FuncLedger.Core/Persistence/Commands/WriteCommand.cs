using System.Data.Common;
using System.Text;
using FuncLedger.Core.Domain;

namespace FuncLedger.Core.Persistence.Commands;

/// <summary>
/// Round trip 2 of a write: every wallet's balance update, guarded on the balance read under the lock (so a lost lock is
/// detected), and every entry's insert, in one command; returns the new entry ids in the order of the entries.
/// </summary>
internal abstract class WriteCommand
{
    /// <param name="record">The client key to register and the posting row to insert, ahead of the balances and entries.</param>
    /// <param name="suffix">Text sent behind the statements in the same round trip (an inline COMMIT), or "".</param>
    /// <returns>The new entries' ids, in order, and the posting row's id when there is one.</returns>
    public abstract Task<(long[] Ids, long? PostingId)> ExecuteAsync(DbConnection connection, DbTransaction? transaction,
        IReadOnlyList<WalletRow> wallets, IReadOnlyList<EntryWrite> entries, DateTime now, WriteRecord record, string suffix,
        CancellationToken ct);

    /// <summary>The client key's registration (@ck, @co, @cf) returning its operation, in the provider's dialect.</summary>
    protected virtual string RegisterClientKey =>
        "INSERT INTO client_keys (idempotency_key, operation, request_fingerprint, created_at) VALUES (@ck, @co, @cf, @now) "
        + "RETURNING operation;";

    /// <summary>The posting's row (@ps, @pl) returning its id, in the provider's dialect.</summary>
    protected virtual string InsertPosting => "INSERT INTO postings (key_stem, legs, created_at) VALUES (@ps, @pl, @now) RETURNING id;";

    /// <summary>The statements that go ahead of the write for <paramref name="record"/>.</summary>
    protected string Extras(WriteRecord record) =>
        (record.Client is null ? "" : RegisterClientKey + "\n") + (record.PostingStem is null ? "" : InsertPosting + "\n");

    internal static void BindExtras(DbCommand command, WriteRecord record, int entries)
    {
        if (record.Client is { } client)
        {
            RecordRefusalCommand.BindClient(command, client);
        }

        if (record.PostingStem is { } stem)
        {
            Sql.AddKey(command, "@ps", stem);
            Sql.AddInt32(command, "@pl", entries);
        }
    }

    /// <summary>Reads what <see cref="Extras"/> returned: the posting's id when it has a row.</summary>
    protected static async Task<long?> ReadExtrasAsync(DbDataReader reader, WriteRecord record, CancellationToken ct)
    {
        if (record.Client is not null)
        {
            Sql.Invariant(await reader.ReadAsync(ct), "the client key was not registered");
            await reader.NextResultAsync(ct);
        }

        long? postingId = null;
        if (record.PostingStem is not null)
        {
            postingId = await Sql.ReadSingleInt64Async(reader, ct);
            await reader.NextResultAsync(ct);
        }

        return postingId;
    }
}

/// <summary>
/// <see cref="WriteCommand"/> as one statement per wallet and per entry (every engine). Parameters: @now; @w{i}, @b{i},
/// @e{i} (wallet id, new balance, expected old balance); @ew{j}, @ea{j}, @eb{j}, @er{j}, @ek{j}, @ef{j}, @em{j}, @es{j}
/// (entry wallet, amount, balance after, reason, key, fingerprint, meta, source). Each statement returns one row with one id.
/// </summary>
internal class RowWriteCommand : WriteCommand
{
    /// <summary>Parameters bound per wallet (@w, @b, @e) and per entry (@ew .. @es); per command one more (@now) and at most
    /// <see cref="ExtraParameters"/> for the client key and the posting's row (@ck, @co, @cf, @ps, @pl).</summary>
    internal const int WalletParameters = 3;
    internal const int EntryParameters = 8;
    internal const int ExtraParameters = 5;

    private readonly SqlTextCache<(int Wallets, int Entries, string Extras)> _texts;

    /// <param name="parametersMax">The most parameters the provider takes in one command (SQL Server 2,100, SQLite 32,766,
    /// PostgreSQL 65,535): a larger write is split into several commands of the same transaction.</param>
    public RowWriteCommand(int parametersMax)
    {
        _texts = new(Build);
        ParametersMax = parametersMax;
    }

    public int ParametersMax { get; }

    /// <summary>
    /// The commands a write of <paramref name="wallets"/> wallets and <paramref name="entries"/> entries is sent as, each
    /// within <see cref="ParametersMax"/>: one command when it fits, else the wallets' updates in chunks, then the
    /// entries' inserts in chunks, in order.
    /// </summary>
    internal IReadOnlyList<(int Wallets, int Entries)> Plan(int wallets, int entries)
    {
        const int shared = 1 + ExtraParameters;
        if (shared + (WalletParameters * wallets) + (EntryParameters * entries) <= ParametersMax)
        {
            return [(wallets, entries)];
        }

        var plan = new List<(int Wallets, int Entries)>();
        for (int done = 0, size = (ParametersMax - shared) / WalletParameters; done < wallets; done += size)
        {
            plan.Add((Math.Min(size, wallets - done), 0));
        }

        for (int done = 0, size = (ParametersMax - shared) / EntryParameters; done < entries; done += size)
        {
            plan.Add((0, Math.Min(size, entries - done)));
        }

        return plan;
    }

    /// <summary>How many shapes of this command's text are kept.</summary>
    internal int ShapesKept => _texts.Count;

    internal string Text(int wallets, int entries, WriteRecord? record = null) =>
        _texts.Get((wallets, entries, Extras(record ?? WriteRecord.None)));

    private string Build((int Wallets, int Entries, string Extras) k)
    {
        var sql = new StringBuilder(k.Extras, 256 * (1 + k.Wallets + k.Entries));
        for (var i = 0; i < k.Wallets; i++)
        {
            sql.Append(UpdateBalance(Sql.Name("", i))).Append('\n');
        }

        for (var j = 0; j < k.Entries; j++)
        {
            sql.Append(InsertEntry(Sql.Name("", j))).Append('\n');
        }

        return sql.ToString();
    }

    public override async Task<(long[] Ids, long? PostingId)> ExecuteAsync(DbConnection connection, DbTransaction? transaction,
        IReadOnlyList<WalletRow> wallets, IReadOnlyList<EntryWrite> entries, DateTime now, WriteRecord record, string suffix,
        CancellationToken ct)
    {
        var plan = Plan(wallets.Count, entries.Count);
        if (plan.Count == 1)
        {
            return await ExecuteOneAsync(connection, transaction, wallets, entries, now, record, suffix, ct);
        }

        // Several commands: they share the transaction object, so nothing can travel behind the last one. The client key and
        // the posting's row go with the first.
        Sql.Invariant(transaction is not null && suffix.Length == 0, "a write split into several commands needs a transaction");
        var ids = new List<long>(entries.Count);
        long? postingId = null;
        var (walletsDone, entriesDone) = (0, 0);
        foreach (var (walletCount, entryCount) in plan)
        {
            var walletChunk = wallets.Skip(walletsDone).Take(walletCount).ToArray();
            var entryChunk = entries.Skip(entriesDone).Take(entryCount).ToArray();
            var first = walletsDone == 0 && entriesDone == 0;
            var (chunkIds, chunkPosting) = await ExecuteOneAsync(connection, transaction, walletChunk, entryChunk, now,
                first ? record : WriteRecord.None, "", ct, first ? entries.Count : 0);
            ids.AddRange(chunkIds);
            postingId ??= chunkPosting;
            (walletsDone, entriesDone) = (walletsDone + walletCount, entriesDone + entryCount);
        }

        return ([.. ids], postingId);
    }

    private async Task<(long[] Ids, long? PostingId)> ExecuteOneAsync(DbConnection connection, DbTransaction? transaction,
        IReadOnlyList<WalletRow> wallets, IReadOnlyList<EntryWrite> entries, DateTime now, WriteRecord record, string suffix,
        CancellationToken ct, int? legs = null)
    {
        await using var write = Sql.Create(connection, transaction, Text(wallets.Count, entries.Count, record) + suffix);
        Bind(write, wallets, entries, now);
        BindExtras(write, record, legs ?? entries.Count);

        await using var reader = await write.ExecuteReaderAsync(ct);
        var postingId = await ReadExtrasAsync(reader, record, ct);
        foreach (var wallet in wallets)
        {
            // The second half of the lock's pair: the row still held the balance we read.
            Sql.Invariant(await Sql.ReadSingleInt64Async(reader, ct) == wallet.Id, $"wallet {wallet.Id} changed under its lock");
            await reader.NextResultAsync(ct);
        }

        var ids = new long[entries.Count];
        for (var j = 0; j < entries.Count; j++)
        {
            ids[j] = await Sql.ReadSingleInt64Async(reader, ct);
            await reader.NextResultAsync(ct);
        }

        // Inline, the COMMIT comes last: reading past it makes a failed commit surface here.
        Sql.Invariant(!await reader.NextResultAsync(ct), "the write returned more results than it has statements");
        return (ids, postingId);
    }

    internal static void Bind(DbCommand write, IReadOnlyList<WalletRow> wallets, IReadOnlyList<EntryWrite> entries, DateTime now)
    {
        Sql.AddTimestamp(write, "@now", now);
        for (var i = 0; i < wallets.Count; i++)
        {
            Sql.AddInt64(write, Sql.Name("@w", i), wallets[i].Id);
            Sql.AddInt64(write, Sql.Name("@b", i), wallets[i].Balance);
            Sql.AddInt64(write, Sql.Name("@e", i), wallets[i].Original);
        }

        for (var j = 0; j < entries.Count; j++)
        {
            var entry = entries[j];
            Sql.AddInt64(write, Sql.Name("@ew", j), entry.WalletId);
            Sql.AddInt64(write, Sql.Name("@ea", j), entry.Amount);
            Sql.AddInt64(write, Sql.Name("@eb", j), entry.BalanceAfter);
            Sql.AddText(write, Sql.Name("@er", j), entry.Reason, LedgerLimits.ReasonLengthMax);
            Sql.AddKey(write, Sql.Name("@ek", j), entry.Key);
            Sql.AddFingerprint(write, Sql.Name("@ef", j), entry.Fingerprint);
            Sql.AddText(write, Sql.Name("@em", j), entry.Meta, LedgerLimits.MetaBytesMax);
            Sql.AddInt16(write, Sql.Name("@es", j), (short)entry.Source);
        }
    }

    protected virtual string UpdateBalance(string i) =>
        $"UPDATE wallets SET cached_balance = @b{i}, updated_at = @now WHERE id = @w{i} AND cached_balance = @e{i} RETURNING id;";

    protected virtual string InsertEntry(string j) => $"{Sql.InsertEntryColumns} VALUES {EntryValues(j)} RETURNING id;";

    protected static string EntryValues(string j) => $"(@ew{j}, @ea{j}, @eb{j}, @er{j}, @ek{j}, @ef{j}, @em{j}, @es{j}, @now)";
}
