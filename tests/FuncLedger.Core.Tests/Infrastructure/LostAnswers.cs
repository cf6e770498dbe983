using FuncLedger.Core.Persistence;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace FuncLedger.Core.Tests.Infrastructure;

/// <summary>
/// While armed, the first attempt of every unit of work fails after its work returned, as a write whose commit succeeded but
/// whose answer was lost would (Azure SQL's 40197 in a failover; a connection cut after COMMIT): the provider's retryable error,
/// so the one retry layer runs the whole unit of work again. Counts the faults it injected.
/// </summary>
internal sealed class LostAnswers : IUnitOfWorkFaults
{
    private int _armed;
    private int _injected;

    public int Injected => Volatile.Read(ref _injected);

    public IDisposable Arm()
    {
        Volatile.Write(ref _armed, 1);
        return new Disarm(this);
    }

    public void AfterAttempt(LedgerProvider provider, int attempt)
    {
        if (attempt > 0 || Volatile.Read(ref _armed) == 0)
        {
            return;
        }

        Interlocked.Increment(ref _injected);
        throw provider switch
        {
            LedgerProvider.Postgres => new PostgresException("injected: the answer to a commit was lost", "ERROR", "ERROR",
                PostgresErrorCodes.SerializationFailure),
            LedgerProvider.Sqlite => new SqliteException("injected: the answer to a commit was lost", 5),
            _ => ProviderCommandTestsErrors.Deadlock(),
        };
    }

    private sealed class Disarm(LostAnswers faults) : IDisposable
    {
        public void Dispose() => Volatile.Write(ref faults._armed, 0);
    }
}

/// <summary>SQL Server's deadlock (1205) as SqlClient builds it.</summary>
internal static class ProviderCommandTestsErrors
{
    public static Exception Deadlock() => Persistence.ProviderCommandTests.SqlError(1205, "injected: the answer to a commit was lost");
}
