using FuncLedger.Core.Domain;
using FuncLedger.Core.Persistence;
using FuncLedger.Core.Tests.Infrastructure;
using Npgsql;

namespace FuncLedger.Core.Tests.Persistence;

/// <summary>The single retry layer: transient errors run the whole unit of work again, with a fresh context, a bounded number of times.</summary>
[Collection(PostgresCollection.Name)]
public sealed class RetryLayerTests(PostgresDatabaseFixture database)
{
    private static PostgresException Deadlock() => new("deadlock detected", "ERROR", "ERROR", PostgresErrorCodes.DeadlockDetected);

    [Fact]
    public async Task A_deadlock_runs_the_whole_unit_of_work_again_with_a_fresh_context()
    {
        await using var db = await database.CreateHarnessAsync(new LedgerRetryOptions { RetryAttemptsMax = 3, RetryDelayBaseMs = 1, RetryDelayMaxMs = 2 });
        var attempts = 0;

        var result = await db.UnitOfWork.RunAsync(async (context, ct) =>
        {
            // Each attempt gets its own context, leased from the pool and reset: nothing tracked, no open transaction.
            Assert.Empty(context.ChangeTracker.Entries());
            Assert.Null(context.Database.CurrentTransaction);
            await context.Database.BeginTransactionAsync(ct);
            return ++attempts < 3 ? throw Deadlock() : 42;
        }, CancellationToken.None);

        Assert.Equal(42, result);
        Assert.Equal(3, attempts);
    }

    [Fact]
    public async Task Retries_are_bounded_and_the_last_error_surfaces()
    {
        await using var db = await database.CreateHarnessAsync(new LedgerRetryOptions { RetryAttemptsMax = 2, RetryDelayBaseMs = 1, RetryDelayMaxMs = 2 });
        var attempts = 0;

        var error = await Assert.ThrowsAsync<LedgerUnavailableException>(async () => await db.UnitOfWork.RunAsync<int>((_, _) =>
        {
            attempts++;
            throw Deadlock();
        }, CancellationToken.None));

        // The one exception the core raises for a database that stays busy, with the last error inside.
        Assert.IsType<PostgresException>(error.InnerException);
        Assert.Equal(3, attempts);
    }

    [Fact]
    public async Task Other_errors_are_not_retried()
    {
        await using var db = await database.CreateHarnessAsync();
        var attempts = 0;

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await db.UnitOfWork.RunAsync<int>((_, _) =>
        {
            attempts++;
            throw new InvalidOperationException("not transient");
        }, CancellationToken.None));

        Assert.Equal(1, attempts);
    }

    [Fact]
    public void Retry_options_out_of_range_are_refused_when_built()
    {
        Assert.Throws<InvalidOperationException>(() => new LedgerRetryOptions { RetryAttemptsMax = 50 }.Validate());
        Assert.Throws<InvalidOperationException>(() => new LedgerRetryOptions { RetryDelayBaseMs = 100, RetryDelayMaxMs = 10 }.Validate());
    }
}
