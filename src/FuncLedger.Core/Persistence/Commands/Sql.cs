using System.Data.Common;
using System.Globalization;
using FuncLedger.Core.Domain;

namespace FuncLedger.Core.Persistence.Commands;

/// <summary>What every command shares: parameter binding, placeholder lists and the checks on what came back.</summary>
internal static class Sql
{
    /// <summary>The most parameters one command may bind on SQL Server: its limit is 2,100 per request (error 8003 past
    /// it), and sp_executesql takes two of them for the statement and its parameter list.</summary>
    public const int SqlServerParametersMax = 2_098;

    /// <summary>SQLite's limit (SQLITE_MAX_VARIABLE_NUMBER since 3.32).</summary>
    public const int SqliteParametersMax = 32_766;

    /// <summary>PostgreSQL's wire protocol carries at most 65,535 parameters per statement batch message.</summary>
    public const int PostgresParametersMax = 65_535;

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
