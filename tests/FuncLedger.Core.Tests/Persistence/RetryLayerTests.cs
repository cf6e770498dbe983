using FuncLedger.Core.Domain;
using FuncLedger.Core.Persistence;
using FuncLedger.Core.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
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

/// <summary>The policy per error class, on a unit of work whose provider classifies like SQL Server (its errors are built the
/// way SqlClient builds them; the work runs on SQLite, which has no such errors of its own).</summary>
public sealed class RetryPolicyTests : IAsyncLifetime
{
    private readonly TestSupport.SqliteTestDatabase _database = new();
    private ServiceProvider? _services;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _services = new ServiceCollection().AddLogging().AddLedgerCore(LedgerProvider.Sqlite, await _database.CreateAsync())
            .BuildServiceProvider();
    }

    public async Task DisposeAsync()
    {
        await _services!.DisposeAsync();
        await _database.DisposeAsync();
    }

    private LedgerUnitOfWork UnitOfWork(LedgerRetryOptions options) => new(
        _services!.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<LedgerDbContext>>(),
        LedgerStore.For(LedgerProvider.SqlServer), options, TimeProvider.System,
        Microsoft.Extensions.Logging.Abstractions.NullLogger<LedgerUnitOfWork>.Instance);

    private static Exception Error(int number) => ProviderCommandTests.SqlError(number, "injected");

    [Fact]
    public async Task A_resuming_database_answers_at_once_with_its_own_retry_after_when_no_deadline_is_set()
    {
        var attempts = 0;

        var error = await Assert.ThrowsAsync<LedgerUnavailableException>(async () => await UnitOfWork(new LedgerRetryOptions())
            .RunAsync<int>((_, _) => { attempts++; throw Error(40613); }, CancellationToken.None));

        Assert.Equal(1, attempts);
        Assert.Equal(TimeSpan.FromSeconds(15), error.RetryAfter);
    }

    [Fact]
    public async Task With_a_deadline_a_resuming_database_is_waited_for_with_growing_delays_and_then_the_work_runs_once()
    {
        var options = new LedgerRetryOptions { ResumeRetryDeadlineMs = 100, ResumeRetryDelayBaseMs = 5, ResumeRetryDelayMaxMs = 20 };
        var attempts = 0;

        var result = await UnitOfWork(options).RunAsync((_, _) => ++attempts < 4 ? throw Error(40501) : Task.FromResult(7),
            CancellationToken.None);

        Assert.Equal(7, result);
        Assert.Equal(4, attempts);
        // 5 + 10 + 20 + 20 + 20 + 20 = 95 ms fit 100; a seventh delay would not.
        Assert.Equal(6, options.ResumeRetryAttempts);
        Assert.Equal(0, new LedgerRetryOptions().ResumeRetryAttempts);
        // The CLI's minute: 2 + 4 + 8 + 16 + 30 s.
        Assert.Equal(5, new LedgerRetryOptions { ResumeRetryDeadlineMs = 60_000 }.ResumeRetryAttempts);
    }

    [Fact]
    public async Task A_deadlock_keeps_the_short_policy_and_a_broken_connection_is_never_retried_inside()
    {
        var options = new LedgerRetryOptions { RetryAttemptsMax = 3, RetryDelayBaseMs = 1, RetryDelayMaxMs = 2, ResumeRetryDeadlineMs = 100,
            ResumeRetryDelayBaseMs = 5, ResumeRetryDelayMaxMs = 20 };
        var (deadlocks, broken) = (0, 0);

        await Assert.ThrowsAsync<LedgerUnavailableException>(async () => await UnitOfWork(options)
            .RunAsync<int>((_, _) => { deadlocks++; throw Error(1205); }, CancellationToken.None));
        var unavailable = await Assert.ThrowsAsync<LedgerUnavailableException>(async () => await UnitOfWork(options)
            .RunAsync<int>((_, _) => { broken++; throw Error(10054); }, CancellationToken.None));

        // A deadlock: the first run and 3 short retries; the long policy is for resuming errors only.
        Assert.Equal(4, deadlocks);
        Assert.Equal(1, broken);
        Assert.Null(unavailable.RetryAfter);
    }

    [Fact]
    public void Resume_options_out_of_range_are_refused_when_built()
    {
        Assert.Throws<InvalidOperationException>(() => new LedgerRetryOptions { ResumeRetryDeadlineMs = -1 }.Validate());
        Assert.Throws<InvalidOperationException>(() => new LedgerRetryOptions { ResumeRetryDelayBaseMs = 10, ResumeRetryDelayMaxMs = 5 }.Validate());
    }
}
