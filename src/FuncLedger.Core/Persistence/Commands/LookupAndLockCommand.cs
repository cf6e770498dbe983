using System.Data.Common;
using System.Text;

namespace FuncLedger.Core.Persistence.Commands;

/// <summary>
/// Round trip 1 of a write: the entries holding any of the keys (when there are keys), then the owners' wallets locked
/// in ascending id order, then (where writers run side by side: <see cref="LooksAgainUnderLock"/>) the keys again, under the
/// locks. With <c>guarded</c>, no wallet is locked when any key already exists, so a pure replay takes no lock. The second
/// look is what decides: each statement reads what was committed when it started (read committed, and Azure SQL's read
/// committed snapshot), so a concurrent first request under the same key that commits while this one waits for the lock is
/// seen by the look after the lock and replayed, never written twice or refused beside it. Result sets: <see cref="EntryRow"/>s,
/// <see cref="WalletRow"/>s, <see cref="EntryRow"/>s. Subclasses give the text and bind.
/// </summary>
internal abstract class LookupAndLockCommand
{
    /// <param name="prefix">Text sent ahead of the statements in the same round trip (an inline BEGIN), or null.</param>
    public async Task<LookupResult> ExecuteAsync(DbConnection connection, DbTransaction? transaction, string[] keys, long[] owners,
        bool guarded, string? prefix, CancellationToken ct)
    {
        var text = prefix + Text(keys.Length, owners.Length, guarded && keys.Length > 0);
        await using var command = Sql.Create(connection, transaction, text);
        Bind(command, keys, owners);
        var existing = new List<EntryRow>();
        var wallets = new List<WalletRow>(owners.Length);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (prefix is not null)
        {
            // BEGIN returns no rows; the reader starts on the first statement that does (the keys or the locks).
            Sql.Invariant(reader.FieldCount > 0, "the lookup returned no result");
        }

        if (keys.Length > 0)
        {
            await ReadEntriesAsync(reader, existing, ct);
            await reader.NextResultAsync(ct);
        }

        while (await reader.ReadAsync(ct))
        {
            wallets.Add(Sql.ReadWallet(reader));
        }

        if (keys.Length > 0 && LooksAgainUnderLock)
        {
            // Entries are immutable: the look under the locks sees every row the first one saw, and what committed since.
            Sql.Invariant(await reader.NextResultAsync(ct), "the lookup under the locks returned no result");
            existing.Clear();
            await ReadEntriesAsync(reader, existing, ct);
        }

        return new LookupResult(existing, wallets);
    }

    /// <summary>Whether the keys are looked up again after the locks, in the same round trip: true where writers run side by
    /// side (PostgreSQL, SQL Server); SQLite has one writer at a time, whose transaction is the lock.</summary>
    public abstract bool LooksAgainUnderLock { get; }

    private static async Task ReadEntriesAsync(DbDataReader reader, List<EntryRow> into, CancellationToken ct)
    {
        while (await reader.ReadAsync(ct))
        {
            into.Add(new EntryRow(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3),
                reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5)));
        }
    }

    /// <summary>The statements for this many keys and owners.</summary>
    internal abstract string Text(int keys, int owners, bool guarded);

    internal abstract void Bind(DbCommand command, string[] keys, long[] owners);
}

/// <summary>
/// <see cref="LookupAndLockCommand"/> with one parameter per key (<c>@k0..</c>) and per owner (<c>@o0..</c>); the text
/// depends only on the counts and is built once per count. The lock is the provider's row-lock clause after
/// <c>ORDER BY id</c> (empty on SQLite, where the immediate transaction is the lock).
/// </summary>
internal class RowLookupAndLockCommand : LookupAndLockCommand
{
    private readonly SqlTextCache<(int Keys, int Owners, bool Guarded)> _texts;

    public RowLookupAndLockCommand(string rowLockClause, bool looksAgainUnderLock)
    {
        _rowLockClause = rowLockClause;
        LooksAgainUnderLock = looksAgainUnderLock;
        _texts = new(Build);
    }

    private readonly string _rowLockClause;

    public override bool LooksAgainUnderLock { get; }

    /// <summary>How many shapes of this command's text are kept.</summary>
    internal int ShapesKept => _texts.Count;

    internal override string Text(int keys, int owners, bool guarded) => _texts.Get((keys, owners, guarded));

    private string Build((int Keys, int Owners, bool Guarded) k)
    {
        var sql = new StringBuilder(256);
        var keyList = Sql.List("@k", k.Keys);
        if (k.Keys > 0)
        {
            sql.Append(Sql.KeyLookup($"idempotency_key IN ({keyList})"));
        }

        var guard = k.Guarded ? $" AND NOT EXISTS (SELECT 1 FROM ledger_entries WHERE idempotency_key IN ({keyList}))" : "";
        sql.Append(LockWallets(Sql.List("@o", k.Owners), guard));
        if (k.Keys > 0 && LooksAgainUnderLock)
        {
            sql.Append(Sql.KeyLookup($"idempotency_key IN ({keyList})"));
        }

        return sql.ToString();
    }

    internal override void Bind(DbCommand command, string[] keys, long[] owners)
    {
        for (var i = 0; i < keys.Length; i++)
        {
            Sql.AddKey(command, Sql.Name("@k", i), keys[i]);
        }

        for (var i = 0; i < owners.Length; i++)
        {
            Sql.AddInt64(command, Sql.Name("@o", i), owners[i]);
        }
    }

    /// <summary>Locks the owners' wallets; <c>ORDER BY id</c> makes the lock order ascending.</summary>
    protected virtual string LockWallets(string ownerList, string guard) =>
        $"SELECT {Sql.WalletColumns} FROM wallets WHERE owner_id IN ({ownerList}){guard} ORDER BY id{_rowLockClause};";
}
