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
    /// <param name="suffix">Text sent behind the statements in the same round trip (an inline COMMIT), or "".</param>
    public abstract Task<long[]> ExecuteAsync(DbConnection connection, DbTransaction? transaction, IReadOnlyList<WalletRow> wallets,
        IReadOnlyList<EntryWrite> entries, DateTime now, string suffix, CancellationToken ct);
}

/// <summary>
/// <see cref="WriteCommand"/> as one statement per wallet and per entry (every engine). Parameters: @now; @w{i}, @b{i},
/// @e{i} (wallet id, new balance, expected old balance); @ew{j}, @ea{j}, @eb{j}, @er{j}, @ek{j}, @ef{j}, @em{j} (entry
/// wallet, amount, balance after, reason, key, fingerprint, meta). Each statement returns one row with one id.
/// </summary>
internal class RowWriteCommand : WriteCommand
{
    /// <summary>Parameters bound per wallet (@w, @b, @e) and per entry (@ew .. @em); one more (@now) per command.</summary>
    internal const int WalletParameters = 3;
    internal const int EntryParameters = 7;

    private readonly SqlTextCache<(int Wallets, int Entries)> _texts;

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
        if (1 + (WalletParameters * wallets) + (EntryParameters * entries) <= ParametersMax)
        {
            return [(wallets, entries)];
        }

        var plan = new List<(int Wallets, int Entries)>();
        for (int done = 0, size = (ParametersMax - 1) / WalletParameters; done < wallets; done += size)
        {
            plan.Add((Math.Min(size, wallets - done), 0));
        }

        for (int done = 0, size = (ParametersMax - 1) / EntryParameters; done < entries; done += size)
        {
            plan.Add((0, Math.Min(size, entries - done)));
        }

        return plan;
    }

    /// <summary>How many shapes of this command's text are kept.</summary>
    internal int ShapesKept => _texts.Count;

    internal string Text(int wallets, int entries) => _texts.Get((wallets, entries));

    private string Build((int Wallets, int Entries) k)
    {
        var sql = new StringBuilder(256 * (k.Wallets + k.Entries));
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

    public override async Task<long[]> ExecuteAsync(DbConnection connection, DbTransaction? transaction, IReadOnlyList<WalletRow> wallets,
        IReadOnlyList<EntryWrite> entries, DateTime now, string suffix, CancellationToken ct)
    {
        var plan = Plan(wallets.Count, entries.Count);
        if (plan.Count == 1)
        {
            return await ExecuteOneAsync(connection, transaction, wallets, entries, now, suffix, ct);
        }

        // Several commands: they share the transaction object, so nothing can travel behind the last one.
        Sql.Invariant(transaction is not null && suffix.Length == 0, "a write split into several commands needs a transaction");
        var ids = new List<long>(entries.Count);
        var (walletsDone, entriesDone) = (0, 0);
        foreach (var (walletCount, entryCount) in plan)
        {
            var walletChunk = wallets.Skip(walletsDone).Take(walletCount).ToArray();
            var entryChunk = entries.Skip(entriesDone).Take(entryCount).ToArray();
            ids.AddRange(await ExecuteOneAsync(connection, transaction, walletChunk, entryChunk, now, "", ct));
            (walletsDone, entriesDone) = (walletsDone + walletCount, entriesDone + entryCount);
        }

        return [.. ids];
    }

    private async Task<long[]> ExecuteOneAsync(DbConnection connection, DbTransaction? transaction, IReadOnlyList<WalletRow> wallets,
        IReadOnlyList<EntryWrite> entries, DateTime now, string suffix, CancellationToken ct)
    {
        await using var write = Sql.Create(connection, transaction, Text(wallets.Count, entries.Count) + suffix);
        Bind(write, wallets, entries, now);

        await using var reader = await write.ExecuteReaderAsync(ct);
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
        return ids;
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
        }
    }

    protected virtual string UpdateBalance(string i) =>
        $"UPDATE wallets SET cached_balance = @b{i}, updated_at = @now WHERE id = @w{i} AND cached_balance = @e{i} RETURNING id;";

    protected virtual string InsertEntry(string j) => $"{Sql.InsertEntryColumns} VALUES {EntryValues(j)} RETURNING id;";

    protected static string EntryValues(string j) => $"(@ew{j}, @ea{j}, @eb{j}, @er{j}, @ek{j}, @ef{j}, @em{j}, @now)";
}
