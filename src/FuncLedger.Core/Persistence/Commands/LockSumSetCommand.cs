using System.Data;
using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;

namespace FuncLedger.Core.Persistence.Commands;

/// <summary>
/// The one rule that rebuilds cached balances, shared by a single wallet's recalculation and reconciliation's fix: in
/// one transaction, lock the wallets in ascending id order, read the sum of each one's entries under those locks (a
/// second statement, because under READ COMMITTED a statement's snapshot predates its lock wait), and set every cached
/// balance that differs from its sum, and the cached held coins to the sum of its pending holds (summed in the update
/// itself, under the same lock, so a chunk's parameters stay within SQL Server's 2,100). A wallet a concurrent write moved
/// since it was chosen is set to what its entries and holds say now. Parameters: @w0.. (wallet ids); the update binds
/// @w{i}, @b{i} and @now.
/// </summary>
internal class LockSumSetCommand(string rowLockClause)
{
    /// <summary>Every existing wallet of <paramref name="walletIds"/> with its cached balance before and its sum (the
    /// balance it has now), in ascending id order; ids that name no wallet are left out.</summary>
    public async Task<WalletSum[]> RunAsync(LedgerDbContext context, IReadOnlyList<long> walletIds, DateTime now, CancellationToken ct)
    {
        await context.Database.OpenConnectionAsync(ct);
        var connection = context.Database.GetDbConnection();
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);
        var sums = await LockAndSumAsync(connection, transaction, walletIds, ct);
        var fixes = sums.Where(s => s.Drifts).ToArray();
        if (fixes.Length > 0)
        {
            await using var write = Sql.Create(connection, transaction, SetText(fixes.Length));
            BindSet(write, fixes, now);

            await write.ExecuteNonQueryAsync(ct);
        }

        await transaction.CommitAsync(ct);
        return sums;
    }

    /// <summary>The lock (result set: id, cached_balance, held), the sums of the entries (result set: wallet_id, sum) and of
    /// the pending holds (result set: wallet_id, sum) for this many wallets.</summary>
    internal string LockText(int wallets)
    {
        var ids = Sql.List("@w", wallets);
        return LockWallets(ids)
            + $"\nSELECT wallet_id, CAST(SUM(amount) AS BIGINT) FROM ledger_entries WHERE wallet_id IN ({ids}) GROUP BY wallet_id;"
            + $"\nSELECT wallet_id, CAST(SUM(amount) AS BIGINT) FROM ledger_holds WHERE wallet_id IN ({ids}) AND {Sql.HoldPending} "
            + "GROUP BY wallet_id;";
    }

    /// <summary>Sets the balances: @w{i} gets @b{i} and the sum of its pending holds; parameter @now.</summary>
    internal static string SetText(int wallets)
    {
        var sql = new StringBuilder(200 * wallets);
        for (var i = 0; i < wallets; i++)
        {
            var wallet = Sql.Name("@w", i);
            sql.Append("UPDATE wallets SET cached_balance = ").Append(Sql.Name("@b", i))
                .Append(", held = (SELECT COALESCE(SUM(amount), 0) FROM ledger_holds WHERE wallet_id = ").Append(wallet)
                .Append(" AND ").Append(Sql.HoldPending).Append("), updated_at = @now WHERE id = ").Append(wallet).Append(";\n");
        }

        return sql.ToString();
    }

    internal static void BindLock(DbCommand read, IReadOnlyList<long> walletIds)
    {
        for (var i = 0; i < walletIds.Count; i++)
        {
            Sql.AddInt64(read, Sql.Name("@w", i), walletIds[i]);
        }
    }

    internal static void BindSet(DbCommand write, IReadOnlyList<WalletSum> fixes, DateTime now)
    {
        Sql.AddTimestamp(write, "@now", now);
        for (var i = 0; i < fixes.Count; i++)
        {
            Sql.AddInt64(write, Sql.Name("@w", i), fixes[i].WalletId);
            Sql.AddInt64(write, Sql.Name("@b", i), fixes[i].Sum);
        }
    }

    protected virtual string LockWallets(string idList) =>
        $"SELECT id, cached_balance, held FROM wallets WHERE id IN ({idList}) ORDER BY id{rowLockClause};";

    private async Task<WalletSum[]> LockAndSumAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<long> walletIds, CancellationToken ct)
    {
        await using var read = Sql.Create(connection, transaction, LockText(walletIds.Count));
        BindLock(read, walletIds);

        var cached = new List<(long Id, long Balance, long Held)>(walletIds.Count);
        await using var reader = await read.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            cached.Add((reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2)));
        }

        var sums = await ReadSumsAsync(reader, walletIds.Count, ct);
        var pending = await ReadSumsAsync(reader, walletIds.Count, ct);
        return [.. cached.OrderBy(w => w.Id)
            .Select(w => new WalletSum(w.Id, w.Balance, sums.GetValueOrDefault(w.Id), w.Held, pending.GetValueOrDefault(w.Id)))];
    }

    private static async Task<Dictionary<long, long>> ReadSumsAsync(DbDataReader reader, int capacity, CancellationToken ct)
    {
        await reader.NextResultAsync(ct);
        var sums = new Dictionary<long, long>(capacity);
        while (await reader.ReadAsync(ct))
        {
            sums[reader.GetInt64(0)] = reader.GetInt64(1);
        }

        return sums;
    }
}
