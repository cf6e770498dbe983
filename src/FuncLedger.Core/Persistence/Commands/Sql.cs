using System.Data;
using System.Data.Common;
using System.Globalization;
using FuncLedger.Core.Domain;
using Microsoft.Data.SqlClient;

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

    /// <summary>Unique index that makes a keyed refusal single-use.</summary>
    public const string RefusalKeyIndex = "ux_ledger_refusals_idempotency_key";

    /// <summary>Unique index that makes a hold's key single-use.</summary>
    public const string HoldKeyIndex = "ux_ledger_holds_idempotency_key";

    /// <summary>The client keys' primary key: one key, one operation of any kind.</summary>
    public const string ClientKeyIndex = "pk_client_keys";

    /// <summary>Unique index of the key that closed a hold (its capture's or void's).</summary>
    public const string HoldClosedKeyIndex = "ux_ledger_holds_closed_key";

    /// <summary>Unique index of a posting's key stem.</summary>
    public const string PostingStemIndex = "ux_postings_key_stem";

    /// <summary>A hold that still reserves its coins (<see cref="HoldStatus.Pending"/>), the one spelling of the status in SQL:
    /// the cached held coins are the sum of these.</summary>
    public static readonly string HoldPending = $"status = {(int)HoldStatus.Pending}";

    /// <summary>A hold that counts against the available balance at <paramref name="now"/> (pending and not expired, whether
    /// or not the expiry timer released it yet).</summary>
    public static string HoldActive(string now) => $"{HoldPending} AND expires_at > {now}";

    /// <summary>The columns of an <see cref="EntryRow"/>.</summary>
    public const string EntryColumns = "id, wallet_id, amount, balance_after, idempotency_key, request_fingerprint";

    /// <summary>A keyed refusal read as an <see cref="EntryRow"/>: id 0 (no entry has it), the balance it was refused at
    /// as balance_after, the refused delta as amount.</summary>
    public const string RefusalColumns = "CAST(0 AS bigint), wallet_id, amount, balance, idempotency_key, request_fingerprint";

    /// <summary>The entries, keyed refusals, holds and client keys holding the keys that <paramref name="keyMatch"/> selects.
    /// </summary>
    public static string KeyLookup(string keyMatch) =>
        $"SELECT {EntryColumns} FROM ledger_entries WHERE {keyMatch}\n"
        + $"UNION ALL SELECT {RefusalColumns} FROM ledger_refusals WHERE {keyMatch}\n"
        + $"UNION ALL SELECT {HoldColumns} FROM ledger_holds WHERE {keyMatch}\n"
        + $"UNION ALL SELECT {ClientKeyColumns} FROM client_keys WHERE {keyMatch};\n";

    /// <summary>A registered client key read as an <see cref="EntryRow"/>: id <see cref="EntryRow.ClientKeyId"/> (no entry,
    /// refusal or hold has it), its operation as amount.</summary>
    public const string ClientKeyColumns =
        "CAST(-9223372036854775808 AS bigint), CAST(0 AS bigint), CAST(operation AS bigint), CAST(0 AS bigint), idempotency_key, "
        + "request_fingerprint";

    /// <summary>A hold read as an <see cref="EntryRow"/>: its id negated (no entry or refusal has a negative id), the coins
    /// it reserved as a negative amount.</summary>
    public const string HoldColumns = "-id, wallet_id, -amount, CAST(0 AS bigint), idempotency_key, request_fingerprint";

    /// <summary>The columns of a <see cref="WalletRow"/>.</summary>
    public const string WalletColumns = "id, owner_id, cached_balance, allow_overdraft, updated_at, frozen, held";

    /// <summary><see cref="WalletColumns"/>, each behind <paramref name="prefix"/> (<c>w.</c>, <c>INSERTED.</c>).</summary>
    public static string WalletColumnsOf(string prefix) => string.Join(", ", WalletColumns.Split(", ").Select(c => prefix + c));

    public const string InsertEntryColumns =
        "INSERT INTO ledger_entries (wallet_id, amount, balance_after, reason, idempotency_key, request_fingerprint, meta, source, "
        + "created_at)";

    /// <summary>A new command on the connection, enlisted in the transaction when there is one.</summary>
    public static DbCommand Create(DbConnection connection, DbTransaction? transaction, string text)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = text;
        return command;
    }

    /// <summary>A parameter whose type the provider infers (PostgreSQL arrays: long[] is bigint[], string[] is text[]).</summary>
    public static void Add(DbCommand command, string name, object? value) => Add(command, name, value, null, 0);

    /// <summary>A bigint: ids, amounts, balances.</summary>
    public static void AddInt64(DbCommand command, string name, long value) => Add(command, name, value, DbType.Int64, 0);

    /// <summary>An integer: counts.</summary>
    public static void AddInt32(DbCommand command, string name, int value) => Add(command, name, value, DbType.Int32, 0);

    /// <summary>A smallint: an operation's kind.</summary>
    public static void AddInt16(DbCommand command, string name, short value) => Add(command, name, value, DbType.Int16, 0);

    /// <summary>An idempotency key: varchar(128), so SQL Server seeks the key index instead of converting every row.</summary>
    public static void AddKey(DbCommand command, string name, string? value) =>
        Add(command, name, value, DbType.AnsiString, LedgerLimits.IdempotencyKeyColumnLengthMax);

    /// <summary>A request fingerprint: char(64).</summary>
    public static void AddFingerprint(DbCommand command, string name, string? value) =>
        Add(command, name, value, DbType.AnsiStringFixedLength, LedgerLimits.FingerprintLength);

    /// <summary>Unicode text of at most <paramref name="size"/> characters (reason, meta).</summary>
    public static void AddText(DbCommand command, string name, string? value, int size) => Add(command, name, value, DbType.String, size);

    /// <summary>A UTC timestamp: datetime2 on SQL Server (never the legacy datetime, 1/300 s); elsewhere the provider maps
    /// a UTC DateTime itself (PostgreSQL timestamptz, SQLite text).</summary>
    public static void AddTimestamp(DbCommand command, string name, DateTime value)
    {
        Add(command, name, value, null, 0);
        if (command.Parameters[name] is SqlParameter sqlServer)
        {
            sqlServer.SqlDbType = SqlDbType.DateTime2;
        }
    }

    private static void Add(DbCommand command, string name, object? value, DbType? type, int size)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        if (type is { } dbType)
        {
            parameter.DbType = dbType;
        }

        if (size > 0)
        {
            parameter.Size = size;
        }

        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }

    /// <summary><c>@p0, @p1, ...</c></summary>
    public static string List(string prefix, int count) =>
        string.Join(", ", Enumerable.Range(0, count).Select(i => prefix + i.ToString(CultureInfo.InvariantCulture)));

    public static string Name(string prefix, int index) => prefix + index.ToString(CultureInfo.InvariantCulture);

    public static WalletRow ReadWallet(DbDataReader reader) =>
        new(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetBoolean(3))
        {
            UpdatedAt = DateTime.SpecifyKind(reader.GetDateTime(4), DateTimeKind.Utc),
            Frozen = reader.GetBoolean(5),
            Held = reader.GetInt64(6),
        };

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
