using FuncLedger.Core.Domain;
using FuncLedger.Core.Payouts;
using FuncLedger.Core.Tests.Infrastructure;
using FuncLedger.TestSupport;

[assembly: TestFramework("FuncLedger.TestSupport.LaneTestFramework", "FuncLedger.TestSupport")]

namespace FuncLedger.Core.Tests.Ledger;

// The opt-in SQL Server lane (FUNCLEDGER_TEST_SQLSERVER): the same suites as on SQLite and PostgreSQL, on a real SQL Server.
// Where the variable is unset these classes are not generated (LaneTestFramework), so nothing is skipped.

[SqlServerLane, Collection(SqlServerCollection.Name)]
public sealed class IdempotencySqlServerTests(SqlServerDatabaseFixture database) : IdempotencyTests(database);

[SqlServerLane, Collection(SqlServerCollection.Name)]
public sealed class KeyedRefusalSqlServerTests(SqlServerDatabaseFixture database) : KeyedRefusalTests(database);

[SqlServerLane, Collection(SqlServerCollection.Name)]
public sealed class LedgerInvariantsSqlServerTests(SqlServerDatabaseFixture database) : LedgerInvariantsTests(database);

[SqlServerLane, Collection(SqlServerCollection.Name)]
public sealed class PropertySqlServerTests(SqlServerDatabaseFixture database) : PropertyTests(database);

[SqlServerLane, Collection(SqlServerCollection.Name)]
public sealed class ReconciliationSqlServerTests(SqlServerDatabaseFixture database) : ReconciliationTests(database);

[SqlServerLane, Collection(SqlServerCollection.Name)]
public sealed class ServiceApiSqlServerTests(SqlServerDatabaseFixture database) : ServiceApiTests(database);

/// <summary>What only a real SQL Server can show: the largest batch stays under its 2,100-parameter limit.</summary>
[SqlServerLane, Collection(SqlServerCollection.Name)]
public sealed class SqlServerLimitTests(SqlServerDatabaseFixture database) : LedgerTestBase(database)
{
    [Fact]
    public async Task The_largest_award_batch_is_written_without_error_8003_and_pays_each_award_once()
    {
        var awards = Enumerable.Range(1, Core.Domain.LedgerLimits.AwardBatchSizeMax)
            .Select(i => new Award(90_000 + i, place: null, Core.Domain.OwnerId.From(1 + (i % 400)), Core.Domain.Coins.From(5)))
            .ToList();

        var paid = await Ledger.AwardAsync(awards);
        var again = await Ledger.AwardAsync(awards);

        Assert.All(paid, p => Assert.False(p.Replayed));
        Assert.All(again, p => Assert.True(p.Replayed));
        Assert.Equal(awards.Count, await Db.EntryCountAsync());
        Assert.Equal(awards.Count * 5L, await Db.SumOfBalancesAsync());
        Assert.Equal(0, await Db.DriftedWalletCountAsync());
    }
}

/// <summary>The lane's rule itself, in every run: SQL Server classes are generated exactly when the variable is set.</summary>
public sealed class SqlServerLaneRuleTests
{
    [Fact]
    public void Sql_server_classes_are_generated_only_in_the_lane_and_every_other_class_always()
    {
        Assert.Equal(SqlServerLane.Enabled, SqlServerLane.Generates(typeof(IdempotencySqlServerTests)));
        Assert.Equal(SqlServerLane.Enabled, SqlServerLane.Generates(typeof(SqlServerLimitTests)));
        Assert.True(SqlServerLane.Generates(typeof(IdempotencyPostgresTests)));
        Assert.True(SqlServerLane.Generates(typeof(IdempotencySqliteTests)));
    }
}
