using System.Data.Common;
using System.Globalization;
using FuncLedger.Core.Domain;

namespace FuncLedger.Core.Persistence.Commands;

/// <summary>What every command shares: parameter binding, placeholder lists and the checks on what came back.</summary>
internal static class Sql
{
    /// <summary>Unique index that makes an idempotency key single-use.</summary>
    public const string IdempotencyKeyIndex = "ux_ledger_entries_idempotency_key";

    /// <summary>The columns of an <see cref="EntryRow"/>.</summary>
    public const string EntryColumns = "id, wallet_id, amount, balance_after, idempotency_key, request_fingerprint";

    /// <summary>The columns of a <see cref="WalletRow"/>.</summary>
    public const string WalletColumns = "id, owner_id, cached_balance, allow_overdraft";

    public const string InsertEntryColumns =
        "INSERT INTO ledger_entries (wallet_id, amount, balance_after, reason, idempotency_key, request_fingerprint, meta, created_at)";

    /// <summary>A new command on the connection, enlisted in the transaction when there is one.</summary>
    public static DbCommand Create(DbConnection connection, DbTransaction? transaction, string text)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = text;
        return command;
    }

    public static void Add(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }

    /// <summary><c>@p0, @p1, ...</c></summary>
    public static string List(string prefix, int count) =>
        string.Join(", ", Enumerable.Range(0, count).Select(i => prefix + i.ToString(CultureInfo.InvariantCulture)));

    public static string Name(string prefix, int index) => prefix + index.ToString(CultureInfo.InvariantCulture);

    public static WalletRow ReadWallet(DbDataReader reader) =>
        new(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetBoolean(3));

    public static async Task<long> ReadSingleInt64Async(DbDataReader reader, CancellationToken ct)
    {
        Invariant(await reader.ReadAsync(ct), "a write returned no row");
        var value = reader.GetInt64(0);
        Invariant(!await reader.ReadAsync(ct), "a write returned more than one row");
        return value;
    }

    public static void Invariant(bool condition, string what)
    {
        if (!condition)
        {
            throw new LedgerInvariantException(what);
        }
    }
}
