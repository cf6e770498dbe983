using System.Data.Common;
using FuncLedger.TestSupport;
using Npgsql;

namespace FuncLedger.Reliability.Tests;

/// <summary>The ledger's invariants, checked in the database after every scenario.</summary>
public static class Invariants
{
    public sealed record Report(long EntriesTotal, long BalancesTotal, long DriftedWallets, long NegativeWithoutOverdraft, long DuplicateKeys,
        long HeldDrift = 0, long ReversedBeyondOriginal = 0, long Holds = 0, long Reversals = 0)
    {
        public override string ToString() =>
            $"entries total {EntriesTotal}, balances total {BalancesTotal}, drifted wallets {DriftedWallets}, "
            + $"available < 0 without overdraft {NegativeWithoutOverdraft}, duplicate keys {DuplicateKeys}, held drift {HeldDrift}, "
            + $"reversed beyond original {ReversedBeyondOriginal} ({Holds} holds, {Reversals} reversal entries)";
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
            await Scalar(InvariantSql.DriftedWallets),
            // Available (balance less the cached held coins, which count every pending hold: none expires within a scenario).
            await Scalar($"SELECT COUNT(*) FROM wallets WHERE cached_balance - held < 0 AND allow_overdraft = {Sql.Bool(fx.Provider, false)}"),
            await Scalar("SELECT COUNT(*) FROM (SELECT idempotency_key FROM ledger_entries WHERE idempotency_key IS NOT NULL GROUP BY idempotency_key HAVING COUNT(*) > 1) d"),
            await Scalar(InvariantSql.HeldDrift),
            await Scalar(InvariantSql.ReversedBeyondOriginal),
            await Scalar("SELECT COUNT(*) FROM ledger_holds"),
            await Scalar("SELECT COUNT(*) FROM ledger_reversals"));

        // Conservation, per-wallet agreement (balance and held), available never negative where no overdraft is allowed, keys
        // single-use, no entry reversed beyond its amount.
        Assert.Equal(report.EntriesTotal, report.BalancesTotal);
        Assert.Equal(0, report.DriftedWallets);
        Assert.Equal(0, report.NegativeWithoutOverdraft);
        Assert.Equal(0, report.DuplicateKeys);
        Assert.Equal(0, report.HeldDrift);
        Assert.Equal(0, report.ReversedBeyondOriginal);
        if (load is null)
        {
            return report;
        }

        // Every acknowledged write applied exactly once, every refused one not at all, and every balance what the
        // acknowledged writes make it.
        var keys = new Dictionary<string, long>(StringComparer.Ordinal);
        await using (var command = Command(connection,
            "SELECT idempotency_key, amount FROM ledger_entries WHERE idempotency_key IS NOT NULL AND idempotency_key NOT LIKE 'txn %'"))
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

        await CheckHoldsAsync(connection, load);
        Assert.Empty(load.UnexpectedStatuses);
        return report;
    }

    /// <summary>Every acknowledged hold exists once with its amount, and is captured (with the coins asked for), voided or still
    /// pending as the acknowledged writes say; no refused hold exists.</summary>
    private static async Task CheckHoldsAsync(DbConnection connection, LoadLedger load)
    {
        var holds = new Dictionary<string, (long Id, long Amount, int Status, long Captured)>(StringComparer.Ordinal);
        await using (var command = Command(connection, "SELECT idempotency_key, id, amount, status, captured FROM ledger_holds"))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                holds[reader.GetString(0)] = (reader.GetInt64(1), reader.GetInt64(2), reader.GetInt32(3), reader.GetInt64(4));
            }
        }

        var acted = load.Acknowledged.Values.Select(a => a.Write).Where(w => w.Kind is "capture" or "void").ToDictionary(w => w.Target);
        var placed = load.Acknowledged.Values.Select(a => a.Write).Where(w => w.Kind == "hold").ToList();
        Assert.Equal(placed.Count, holds.Count);
        foreach (var hold in placed)
        {
            var (id, amount, status, captured) = holds[hold.Key];
            Assert.Equal(hold.Amount, amount);
            var expected = acted.GetValueOrDefault(id) switch
            {
                { Kind: "capture" } capture => (1, capture.Amount),
                { Kind: "void" } => (2, 0L),
                _ => (0, 0L),
            };
            Assert.Equal(expected, (status, captured));
        }

        Assert.All(load.Rejected.Where(w => w.Kind == "hold"), w => Assert.False(holds.ContainsKey(w.Key), $"refused hold {w.Key} exists"));
    }

    private static DbCommand Command(DbConnection connection, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        return command;
    }
}
