using System.Data.Common;

namespace FuncLedger.Core.Persistence.Commands;

/// <summary>The coins a wallet's pending holds reserve at an instant (expired ones excluded, whether or not the expiry timer
/// released them yet), read under the wallet's lock. Served by (wallet_id, status, expires_at). The same text everywhere.</summary>
internal static class ActiveHeldCommand
{
    internal static readonly string Text =
        $"SELECT CAST(COALESCE(SUM(amount), 0) AS bigint) FROM ledger_holds WHERE wallet_id = @w AND {Sql.HoldActive("@now")};";

    public static async Task<long> ExecuteAsync(DbConnection connection, DbTransaction? transaction, long walletId, DateTime now,
        CancellationToken ct)
    {
        await using var command = Sql.Create(connection, transaction, Text);
        Sql.AddInt64(command, "@w", walletId);
        Sql.AddTimestamp(command, "@now", now);
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }
}
