using System.Data.Common;
using FuncLedger.TestSupport;
using Npgsql;

namespace FuncLedger.Reliability.Tests;

/// <summary>The ledger's invariants, checked in the database after every scenario.</summary>
public static class Invariants
{
    public sealed record Report(long EntriesTotal, long BalancesTotal, long DriftedWallets, long NegativeWithoutOverdraft, long DuplicateKeys)
    {
        public override string ToString() =>
            $"entries total {EntriesTotal}, balances total {BalancesTotal}, drifted wallets {DriftedWallets}, "
            + $"negative without overdraft {NegativeWithoutOverdraft}, duplicate keys {DuplicateKeys}";
    }

    public static async Task<Report> CheckAsync(ReliabilityFixture fx, LoadLedger? load = null)
    {
        NpgsqlConnection.ClearAllPools();
        Microsoft.Data.SqlClient.SqlConnection.ClearAllPools();
        await using var connection = Sql.Open(fx.Provider, fx.ConnectionString);
        await connection.OpenAsync();
        async Task<long> Scalar(string sql)
        {
            await using var command = Command(connection, sql);
            return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
        }

        var report = new Report(
            await Scalar("SELECT COALESCE(SUM(amount), 0) FROM ledger_entries"),
            await Scalar("SELECT COALESCE(SUM(cached_balance), 0) FROM wallets"),
            await Scalar("SELECT COUNT(*) FROM wallets w WHERE cached_balance <> (SELECT COALESCE(SUM(amount), 0) FROM ledger_entries e WHERE e.wallet_id = w.id)"),
            await Scalar($"SELECT COUNT(*) FROM wallets WHERE cached_balance < 0 AND allow_overdraft = {Sql.Bool(fx.Provider, false)}"),
            await Scalar("SELECT COUNT(*) FROM (SELECT idempotency_key FROM ledger_entries WHERE idempotency_key IS NOT NULL GROUP BY idempotency_key HAVING COUNT(*) > 1) d"));

        // Conservation, per-wallet agreement, no overdraft where none is allowed, keys single-use.
        Assert.Equal(report.EntriesTotal, report.BalancesTotal);
        Assert.Equal(0, report.DriftedWallets);
        Assert.Equal(0, report.NegativeWithoutOverdraft);
        Assert.Equal(0, report.DuplicateKeys);
        if (load is null)
        {
            return report;
        }

        // Every acknowledged write applied exactly once, every refused one not at all, and every balance what the
        // acknowledged writes make it.
        var keys = new Dictionary<string, long>(StringComparer.Ordinal);
        await using (var command = Command(connection, "SELECT idempotency_key, amount FROM ledger_entries WHERE idempotency_key IS NOT NULL"))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                keys[reader.GetString(0)] = reader.GetInt64(1);
            }
        }

        foreach (var (write, _) in load.Acknowledged.Values)
        {
            // Every entry of the write, once, with its amount; a posting's legs sum to zero.
            foreach (var (key, amount) in write.Entries())
            {
                Assert.Equal(amount, keys[key]);
            }
        }

        foreach (var write in load.Rejected)
        {
            Assert.All(write.Entries(), e => Assert.False(keys.ContainsKey(e.Key), $"refused write {write.Key} was applied ({e.Key})"));
        }

        Assert.Equal(keys.Count, load.Acknowledged.Values.Sum(a => a.Write.Entries().Count()));
        await using (var command = Command(connection, "SELECT owner_id, cached_balance FROM wallets"))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            var expected = load.ExpectedBalances();
            var seen = 0;
            while (await reader.ReadAsync())
            {
                Assert.Equal(expected.GetValueOrDefault(reader.GetInt64(0)), reader.GetInt64(1));
                seen++;
            }

            Assert.Equal(expected.Count, seen);
        }

        Assert.Empty(load.UnexpectedStatuses);
        return report;
    }

    private static DbCommand Command(DbConnection connection, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        return command;
    }
}
