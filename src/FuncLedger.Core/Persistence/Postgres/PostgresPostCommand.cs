using System.Data.Common;
using System.Globalization;
using FuncLedger.Core.Domain;
using FuncLedger.Core.Persistence.Commands;
using Npgsql;
using NpgsqlTypes;

namespace FuncLedger.Core.Persistence.Postgres;

/// <summary>
/// A whole write in one round trip on PostgreSQL: <c>ledger_post</c>, a PL/pgSQL function installed by the migration
/// <c>OneRoundTripPost</c>, run as one statement in its own implicit transaction. It looks the keys up (a replay or a
/// conflict answers from them, with no lock and no write), locks the wallets in ascending id order, looks the keys up again
/// (a concurrent first request may have committed while it waited), computes every balance in posting order under the
/// locks, and either writes (the balances, then the entries) or refuses (keeping a keyed refusal when asked). The rules are
/// the general path's (<c>LedgerWriter</c>); the function declines (SQLSTATE FL001, nothing written) when a refusal would
/// need the exact sum of a wallet's holds or a wallet it meant to create was created concurrently, and the caller runs the
/// general path. A capture names the hold it releases (<see cref="HoldRelease"/>, migration <c>OneRoundTripHolds</c>): under
/// the wallet's lock the hold must be pending and not expired, its coins leave the held coins before the debit is checked,
/// and it is marked captured, linked to the first entry, in the same statement.
/// </summary>
internal sealed class PostgresPostCommand
{
    public static readonly PostgresPostCommand Instance = new();

    /// <summary>The SQLSTATE of the function declining.</summary>
    internal const string DeclinedState = "FL001";

    private const string Columns = "SELECT o_kind, o_n, o_id, o_wallet, o_amount, o_balance, o_key, o_fingerprint ";

    /// <summary><c>ledger_post</c> with positional parameters, in the function's order (owner, delta, reason, key, fingerprint,
    /// meta, source, create, adjustment, keep, now, hold, captured, closedKey, clientKey, clientOp, clientFingerprint,
    /// postingStem): the hot path's statement, which Npgsql sends as it is (no named parameters to rewrite) and prepares once
    /// per connection.</summary>
    internal const string Text = Columns
        + "FROM ledger_post($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18);";

    /// <summary><c>ledger_capture</c>: reads the hold (a <see cref="PostOutcome.CapturedHold"/> row; none when there is no such
    /// hold) and, when the capture's checks pass on it, runs <c>ledger_post</c> with its postings, releasing the hold.</summary>
    internal const string CaptureText = Columns
        + "FROM ledger_capture(@hold, @amount, @to, @reason, @key, @creditKey, @fingerprint, @closedKey, @register, @now);";

    /// <summary><c>shop_purchase</c>: a purchase in one statement (see <see cref="PostOutcome.Bought"/>), with positional
    /// parameters in the function's order (owner, sku, quantity, price, total, key, fingerprint, meta, now), as <see cref="Text"/>.
    /// </summary>
    internal const string PurchaseText = Columns + "FROM shop_purchase($1, $2, $3, $4, $5, $6, $7, $8, $9);";

    /// <summary>The SQLSTATE of <c>shop_purchase</c> finding the stock taken under it (its message "out_of_stock {units left}").
    /// </summary>
    internal const string OutOfStockState = "FL003";

    /// <summary>The purchase's rows, or null when it declined. Another buyer taking the last units after the checks answers as
    /// the check would have: a <see cref="PostOutcome.ShopRefused"/> row (the whole statement rolled back).</summary>
    public async Task<List<PostRow>?> PurchaseAsync(DbConnection connection, PurchaseCall purchase, DateTime now, CancellationToken ct)
    {
        await using var command = Sql.Create(connection, null, PurchaseText);
        var parameters = command.Parameters;
        parameters.Add(new NpgsqlParameter<long> { NpgsqlDbType = NpgsqlDbType.Bigint, TypedValue = purchase.OwnerId });
        parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = purchase.Sku });
        parameters.Add(new NpgsqlParameter<int> { NpgsqlDbType = NpgsqlDbType.Integer, TypedValue = purchase.Quantity });
        parameters.Add(new NpgsqlParameter<long> { NpgsqlDbType = NpgsqlDbType.Bigint, TypedValue = purchase.Price });
        parameters.Add(new NpgsqlParameter<long> { NpgsqlDbType = NpgsqlDbType.Bigint, TypedValue = purchase.Total });
        parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = purchase.Key });
        parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = purchase.Fingerprint });
        parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = purchase.Meta });
        parameters.Add(new NpgsqlParameter<DateTime> { NpgsqlDbType = NpgsqlDbType.TimestampTz, TypedValue = now });
        try
        {
            var rows = await ReadAsync(command, ct);
            Sql.Invariant(rows is null || rows.Count > 0, "shop_purchase returned no row");
            return rows;
        }
        catch (PostgresException e) when (e.SqlState == OutOfStockState)
        {
            var left = long.Parse(e.MessageText.AsSpan(e.MessageText.LastIndexOf(' ') + 1), CultureInfo.InvariantCulture);
            return [new PostRow(PostOutcome.ShopRefused, 0, 0, 0, left, 0, "out_of_stock", null)];
        }
    }

    /// <summary>The capture's rows (the hold's first; a client key's conflict alone), or null when <c>ledger_post</c> declined.
    /// </summary>
    /// <param name="closedKey">The capture's key (the client's, or one the ledger made): recorded on the hold it closes.</param>
    /// <param name="register">Whether <paramref name="closedKey"/> is the client's (registered, checked against the registry).</param>
    public async Task<List<PostRow>?> CaptureAsync(DbConnection connection, CaptureCommand capture, string fingerprint, string closedKey,
        bool register, DateTime now, CancellationToken ct)
    {
        await using var command = Sql.Create(connection, null, CaptureText);
        Sql.AddInt64(command, "@hold", capture.HoldId);
        AddNullable(command, "@amount", capture.Amount?.Value);
        AddNullable(command, "@to", capture.To?.Value);
        Sql.AddText(command, "@reason", capture.Reason, LedgerLimits.ReasonLengthMax);
        Sql.AddKey(command, "@key", IdempotencyKeys.HoldCapture(capture.HoldId));
        Sql.AddKey(command, "@creditKey", IdempotencyKeys.HoldCaptureCredit(capture.HoldId));
        Sql.AddFingerprint(command, "@fingerprint", fingerprint);
        Sql.AddKey(command, "@closedKey", closedKey);
        Sql.Add(command, "@register", register);
        Sql.AddTimestamp(command, "@now", now);
        return await ReadAsync(command, ct);
    }

    private static void AddNullable(DbCommand command, string name, long? value)
    {
        var parameter = Nullable(value);
        parameter.ParameterName = name;
        command.Parameters.Add(parameter);
    }

    /// <summary>The function's rows, or null when it declined. The parameters are typed and unnamed, the arrays filled by index:
    /// a transfer is the ledger's most frequent call, and per-call parsing, boxing and LINQ were a measurable part of its CPU.
    /// </summary>
    /// <param name="keep">Per posting: keep a refusal of it under its key.</param>
    /// <param name="release">The hold a capture releases, or null.</param>
    public async Task<List<PostRow>?> ExecuteAsync(DbConnection connection, IReadOnlyList<Posting> postings, bool[] keep,
        WriteRecord record, HoldRelease? release, DateTime now, CancellationToken ct)
    {
        var n = postings.Count;
        var (owner, delta, source) = (new long[n], new long[n], new short[n]);
        var (reason, key, fingerprint, meta) = (new string[n], new string?[n], new string?[n], new string?[n]);
        var (create, adjustment) = (new bool[n], new bool[n]);
        for (var i = 0; i < n; i++)
        {
            var p = postings[i];
            (owner[i], delta[i], source[i], reason[i]) = (p.OwnerId, p.Delta, (short)p.Source, p.Reason);
            (key[i], fingerprint[i], meta[i], create[i], adjustment[i]) = (p.Key, p.Fingerprint, p.Meta, p.CreateWallet, p.Adjustment);
        }

        await using var command = Sql.Create(connection, null, Text);
        var parameters = command.Parameters;
        parameters.Add(new NpgsqlParameter<long[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, TypedValue = owner });
        parameters.Add(new NpgsqlParameter<long[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, TypedValue = delta });
        parameters.Add(TextArray(reason));
        parameters.Add(TextArray(key));
        parameters.Add(TextArray(fingerprint));
        parameters.Add(TextArray(meta));
        parameters.Add(new NpgsqlParameter<short[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Smallint, TypedValue = source });
        parameters.Add(BooleanArray(create));
        parameters.Add(BooleanArray(adjustment));
        parameters.Add(BooleanArray(keep));
        parameters.Add(new NpgsqlParameter<DateTime> { NpgsqlDbType = NpgsqlDbType.TimestampTz, TypedValue = now });
        parameters.Add(Nullable(release?.HoldId));
        parameters.Add(Nullable(release?.Captured));
        parameters.Add(NullableText(release?.ClosedKey));
        parameters.Add(NullableText(record.Client?.Key));
        parameters.Add(new NpgsqlParameter
        {
            NpgsqlDbType = NpgsqlDbType.Smallint, Value = record.Client is { } client ? (short)client.Operation : DBNull.Value,
        });
        parameters.Add(NullableText(record.Client?.Fingerprint));
        parameters.Add(NullableText(record.PostingStem));
        var rows = await ReadAsync(command, ct);
        Sql.Invariant(rows is null || rows.Count > 0, "ledger_post returned no row");
        return rows;
    }

    private static NpgsqlParameter<string?[]> TextArray(string?[] values) =>
        new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, TypedValue = values };

    private static NpgsqlParameter<bool[]> BooleanArray(bool[] values) =>
        new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Boolean, TypedValue = values };

    private static NpgsqlParameter Nullable(long? value) =>
        new() { NpgsqlDbType = NpgsqlDbType.Bigint, Value = (object?)value ?? DBNull.Value };

    private static NpgsqlParameter NullableText(string? value) =>
        new() { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)value ?? DBNull.Value };

    private static async Task<List<PostRow>?> ReadAsync(DbCommand command, CancellationToken ct)
    {
        var rows = new List<PostRow>();
        try
        {
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                rows.Add(new PostRow((PostOutcome)reader.GetChar(0), reader.GetInt32(1), reader.GetInt64(2), reader.GetInt64(3),
                    reader.GetInt64(4), reader.GetInt64(5), reader.IsDBNull(6) ? null : reader.GetString(6),
                    reader.IsDBNull(7) ? null : reader.GetString(7)));
            }
        }
        catch (PostgresException e) when (e.SqlState == DeclinedState)
        {
            return null;
        }

        return rows;
    }
}
