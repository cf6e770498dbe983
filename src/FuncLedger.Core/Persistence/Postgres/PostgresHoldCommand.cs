using System.Data.Common;
using FuncLedger.Core.Domain;
using FuncLedger.Core.Persistence.Commands;

namespace FuncLedger.Core.Persistence.Postgres;

/// <summary>
/// A hold placed in one round trip on PostgreSQL: <c>ledger_hold</c>, a PL/pgSQL function installed by the migration
/// <c>OneRoundTripHolds</c>, run as one statement in its own implicit transaction. It looks the key up (a replay answers
/// with the hold as it stands, a kept refusal is refused again, other terms conflict), locks the owner's wallet, looks the
/// key up again under the lock, refuses a frozen wallet, checks the available balance (the exact held sum decides when the
/// cached one refuses), keeps a refusal under the key, or inserts the hold and adds its coins to the wallet's held coins;
/// then it answers with the hold as it stands. <c>ledger_void</c> voids a hold in one round trip. The general paths
/// (<c>Ledger.PlaceInTransactionAsync</c>, <c>Ledger.VoidHoldAsync</c>) hold the same rules.
/// </summary>
internal sealed class PostgresHoldCommand
{
    public static readonly PostgresHoldCommand Instance = new();

    private const string Columns =
        "SELECT o_kind, o_replayed, o_id, o_owner, o_wallet, o_amount, o_status, o_expires, o_captured, o_entry, o_balance, o_held ";

    internal const string Text = Columns + "FROM ledger_hold(@owner, @amount, @reason, @meta, @key, @fingerprint, @expires, @now);";

    /// <summary><c>ledger_void</c>: a client key naming another request is a conflict; the hold's wallet locked, the hold
    /// checked pending and not expired, voided and closed under the key (a retry under it replays), as it stands.</summary>
    internal const string VoidText = Columns + "FROM ledger_void(@hold, @key, @fingerprint, @register, @now);";

    /// <param name="key">The void's key (the client's, or one the ledger made); <paramref name="register"/> when the client's.</param>
    public async Task<HoldRow> VoidAsync(DbConnection connection, long holdId, string key, string fingerprint, bool register, DateTime now,
        CancellationToken ct)
    {
        await using var command = Sql.Create(connection, null, VoidText);
        Sql.AddInt64(command, "@hold", holdId);
        Sql.AddKey(command, "@key", key);
        Sql.AddFingerprint(command, "@fingerprint", fingerprint);
        Sql.Add(command, "@register", register);
        Sql.AddTimestamp(command, "@now", now);
        return await ReadAsync(command, ct);
    }

    public async Task<HoldRow> PlaceAsync(DbConnection connection, long ownerId, Hold hold, DateTime now, CancellationToken ct)
    {
        await using var command = Sql.Create(connection, null, Text);
        Sql.AddInt64(command, "@owner", ownerId);
        Sql.AddInt64(command, "@amount", hold.Amount);
        Sql.AddText(command, "@reason", hold.Reason, LedgerLimits.ReasonLengthMax);
        Sql.AddText(command, "@meta", hold.Meta, LedgerLimits.MetaBytesMax);
        Sql.AddKey(command, "@key", hold.IdempotencyKey);
        Sql.AddFingerprint(command, "@fingerprint", hold.RequestFingerprint);
        Sql.AddTimestamp(command, "@expires", hold.ExpiresAt);
        Sql.AddTimestamp(command, "@now", now);
        return await ReadAsync(command, ct);
    }

    private static async Task<HoldRow> ReadAsync(DbCommand command, CancellationToken ct)
    {
        await using var reader = await command.ExecuteReaderAsync(ct);
        Sql.Invariant(await reader.ReadAsync(ct), "ledger_hold returned no row");
        var found = new Hold
        {
            Id = reader.GetInt64(2), WalletId = reader.GetInt64(4), Amount = reader.GetInt64(5), Status = (HoldStatus)reader.GetInt32(6),
            ExpiresAt = reader.GetFieldValue<DateTime>(7), Captured = reader.GetInt64(8),
            CaptureEntryId = reader.IsDBNull(9) ? null : reader.GetInt64(9),
        };
        return new HoldRow((HoldOutcome)reader.GetChar(0), reader.GetBoolean(1), reader.GetInt64(3), found, reader.GetInt64(10),
            reader.GetInt64(11));
    }
}
