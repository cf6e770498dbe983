using System.Data.Common;
using FuncLedger.Core.Domain;
using FuncLedger.Core.Persistence;
using FuncLedger.Core.Tests.Infrastructure;
using FuncLedger.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace FuncLedger.Core.Tests.Ledger;

/// <summary>
/// A hold whose unit of work fails after the hold's insert (a transient error before the commit: everything rolls back) runs
/// again with a hold built anew, and is placed once. The general path (SQLite here; SQL Server runs the same flow, where
/// reinserting the first attempt's row would be error 544) and PostgreSQL's one statement.
/// </summary>
public sealed class HoldRetryTests
{
    [Fact]
    public async Task On_the_general_path_a_hold_failed_after_its_insert_runs_again_and_is_placed_once()
    {
        var database = new SqliteTestDatabase();
        await database.InitializeAsync();
        var fault = new FailAfterHoldInsert();
        await using (var db = new LedgerHarness(LedgerProvider.Sqlite, await database.CreateAsync(), interceptor: fault))
        {
            await db.Ledger.CreditAsync(1, 100, "seed");

            var hold = await db.Ledger.HoldAsync(1, 40, "cart", "cart-1");

            // Two inserts ran: the first, failed after it ran (rolled back), and the rerun's.
            Assert.Equal(2, fault.Inserts);
            Assert.Equal((HoldStatus.Pending, false, 60L), (hold.Status, hold.Replayed, hold.Available));
            Assert.Equal(1, await db.ScalarAsync("SELECT COUNT(*) FROM ledger_holds"));
            Assert.Equal(1, await db.ScalarAsync("SELECT COUNT(*) FROM client_keys WHERE idempotency_key = 'cart-1'"));
            Assert.Equal(0, await db.HeldDriftCountAsync());
        }

        await database.DisposeAsync();
    }

    [Fact]
    public async Task On_PostgreSQL_a_hold_failed_after_its_insert_runs_again_and_is_placed_once()
    {
        var database = new PostgresTestDatabase();
        await database.InitializeAsync();
        await using (var db = new LedgerHarness(LedgerProvider.Postgres, await database.CreateAsync()))
        {
            await db.Ledger.CreditAsync(1, 100, "seed");
            // Fails the first hold insert only (a sequence is not rolled back with the transaction).
            await db.ExecuteAsync("""
                CREATE SEQUENCE test_hold_fault;
                CREATE FUNCTION test_hold_fault() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF nextval('test_hold_fault') = 1 THEN
                        RAISE EXCEPTION 'injected: a transient failure after the insert' USING ERRCODE = '40001';
                    END IF;
                    RETURN NEW;
                END $$;
                CREATE TRIGGER trg_test_hold_fault AFTER INSERT ON ledger_holds FOR EACH ROW EXECUTE FUNCTION test_hold_fault();
                """);

            var hold = await db.Ledger.HoldAsync(1, 40, "cart", "cart-1");

            Assert.Equal(2, await db.ScalarAsync("SELECT last_value FROM test_hold_fault"));
            Assert.Equal((HoldStatus.Pending, false, 60L), (hold.Status, hold.Replayed, hold.Available));
            Assert.Equal(1, await db.ScalarAsync("SELECT COUNT(*) FROM ledger_holds"));
            Assert.Equal(0, await db.HeldDriftCountAsync());
        }

        await database.DisposeAsync();
    }

    /// <summary>Throws SQLite's BUSY (retryable) once, right after the first INSERT into ledger_holds ran.</summary>
    private sealed class FailAfterHoldInsert : DbCommandInterceptor
    {
        private int _inserts;

        public int Inserts => _inserts;

        public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result,
            CancellationToken cancellationToken = default) => Check(command, result);

        public override ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData,
            DbDataReader result, CancellationToken cancellationToken = default) => Check(command, result);

        private ValueTask<T> Check<T>(DbCommand command, T result)
        {
            if (command.CommandText.Contains("INSERT INTO \"ledger_holds\"", StringComparison.Ordinal)
                && Interlocked.Increment(ref _inserts) == 1)
            {
                (result as IDisposable)?.Dispose();
                throw new SqliteException("injected: a transient failure after the insert", 5);
            }

            return ValueTask.FromResult(result);
        }
    }
}
