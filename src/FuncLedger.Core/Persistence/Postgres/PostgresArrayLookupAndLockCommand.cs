using System.Data.Common;
using FuncLedger.Core.Persistence.Commands;

namespace FuncLedger.Core.Persistence.Postgres;

/// <summary>
/// <see cref="LookupAndLockCommand"/> with arrays: the entries holding any of @keys (text[]), then the wallets of @owners
/// (bigint[]) locked in ascending id order, none when guarded and a key exists, then the keys again under the locks. One
/// text whatever the count, so it is prepared once.
/// </summary>
internal sealed class PostgresArrayLookupAndLockCommand : LookupAndLockCommand
{
    private const string KeyMatch = "idempotency_key = ANY(@keys)";

    internal override string Text(int keys, int owners, bool guarded)
    {
        var lookup = keys > 0 ? Sql.KeyLookup(KeyMatch) : "";
        var guard = keys > 0 && guarded ? $" AND NOT EXISTS (SELECT 1 FROM ledger_entries WHERE {KeyMatch})" : "";
        return lookup + $"SELECT {Sql.WalletColumns} FROM wallets WHERE owner_id = ANY(@owners){guard} ORDER BY id FOR UPDATE;\n" + lookup;
    }

    public override bool LooksAgainUnderLock => true;

    internal override void Bind(DbCommand command, string[] keys, long[] owners)
    {
        if (keys.Length > 0)
        {
            Sql.Add(command, "@keys", keys);
        }

        Sql.Add(command, "@owners", owners);
    }
}
