using System.Data.Common;

namespace FuncLedger.Core.Persistence.Commands;

/// <summary>Inserts the wallet of an owner unless it exists; returns its row, or null when another transaction created
/// it first (the caller then locks it like any other wallet). Parameters @owner, @now.</summary>
internal class CreateWalletCommand
{
    internal virtual string Text =>
        "INSERT INTO wallets (owner_id, cached_balance, allow_overdraft, created_at, updated_at) VALUES (@owner, 0, FALSE, @now, @now) "
        + $"ON CONFLICT (owner_id) DO NOTHING RETURNING {Sql.WalletColumns};";

    public async Task<WalletRow?> ExecuteAsync(
        DbConnection connection, DbTransaction? transaction, long ownerId, DateTime now, CancellationToken ct)
    {
        await using var insert = Sql.Create(connection, transaction, Text);
        Bind(insert, ownerId, now);
        await using var reader = await insert.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Sql.ReadWallet(reader) : null;
    }

    internal static void Bind(DbCommand command, long ownerId, DateTime now)
    {
        Sql.AddInt64(command, "@owner", ownerId);
        Sql.AddTimestamp(command, "@now", now);
    }
}
