using System.Runtime.CompilerServices;
using FuncLedger.Core.Diagnostics;
using FuncLedger.Core.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace FuncLedger.Core.Persistence;

/// <summary>Bounds of the single retry layer. Validated when the pipeline is built.</summary>
public sealed class LedgerRetryOptions
{
    /// <summary>Retries after the first attempt (so at most RetryAttemptsMax + 1 runs of the unit of work).</summary>
    public const int RetryAttemptsMaxDefault = 6;
    public const int RetryDelayBaseMsDefault = 10;
    public const int RetryDelayMaxMsDefault = 500;

    public int RetryAttemptsMax { get; set; } = RetryAttemptsMaxDefault;

    public int RetryDelayBaseMs { get; set; } = RetryDelayBaseMsDefault;

    public int RetryDelayMaxMs { get; set; } = RetryDelayMaxMsDefault;

    /// <summary>How long the unit of work keeps retrying an Azure SQL database that is resuming, failing over or throttling
    /// (<see cref="DatabaseErrorClass.Resuming"/>), in ms. 0 (the default): not at all, the caller gets
    /// <see cref="LedgerUnavailableException"/> with the service's Retry-After at once, which suits every caller of the function
    /// app: an HTTP client honours the 503's Retry-After, a payout award waits in the queue, the nightly run retries on its
    /// own; none holds a connection and a worker for a minute while the database is throttling. The CLI waits 60 s.</summary>
    public int ResumeRetryDeadlineMs { get; set; }

    /// <summary>The long policy's first delay, doubling up to <see cref="ResumeRetryDelayMaxMs"/> (2 s, 30 s).</summary>
    public int ResumeRetryDelayBaseMs { get; set; } = 2_000;

    public int ResumeRetryDelayMaxMs { get; set; } = 30_000;

    /// <summary>The long policy's retries: as many doubling delays as fit the deadline.</summary>
    internal int ResumeRetryAttempts
    {
        get
        {
            var (attempts, total, delay) = (0, 0L, (long)ResumeRetryDelayBaseMs);
            while (total + delay <= ResumeRetryDeadlineMs)
            {
                (attempts, total, delay) = (attempts + 1, total + delay, Math.Min(delay * 2, ResumeRetryDelayMaxMs));
            }

            return attempts;
        }
    }

    internal void Validate()
    {
        if (RetryAttemptsMax is < 0 or > 20)
        {
            throw new InvalidOperationException("Ledger:Retry:RetryAttemptsMax must be 0 to 20.");
        }

        if (RetryDelayBaseMs < 1 || RetryDelayMaxMs < RetryDelayBaseMs || RetryDelayMaxMs > 30_000)
        {
            throw new InvalidOperationException("Ledger:Retry delays must satisfy 1 <= RetryDelayBaseMs <= RetryDelayMaxMs <= 30000.");
        }

        if (ResumeRetryDeadlineMs is < 0 or > 600_000 || ResumeRetryDelayBaseMs < 1 || ResumeRetryDelayMaxMs < ResumeRetryDelayBaseMs)
        {
            throw new InvalidOperationException(
                "Ledger:Retry needs 0 <= ResumeRetryDeadlineMs <= 600000 and 1 <= ResumeRetryDelayBaseMs <= ResumeRetryDelayMaxMs.");
        }
    }
}

/// <summary>Called after each attempt of a unit of work whose work returned (a write's commit done): a test injects the fault of
/// a commit that succeeded but was reported failed (Azure SQL's 40197 during a failover), which no real server here can.
/// </summary>
internal interface IUnitOfWorkFaults
{
    void AfterAttempt(LedgerProvider provider, int attempt);
}

/// <summary>
/// The one retry layer: runs a whole unit of work with a fresh DbContext per attempt, and retries it with one policy per
/// error class (<see cref="DatabaseErrorClass"/>, mapped per provider in one table): contention (deadlock, serialization,
/// busy) with the short jittered policy, Azure SQL resuming or throttling with the long one within its deadline (none by
/// default). Nothing else in the core retries. Every write carries a key made before it runs (the client's or an internal
/// one), so a rerun after a commit that succeeded but was reported failed replays it instead of applying it twice.
/// </summary>
internal sealed partial class LedgerUnitOfWork
{
    private readonly IDbContextFactory<LedgerDbContext> _contexts;
    private readonly ResiliencePipeline _pipeline;
    private readonly ILogger<LedgerUnitOfWork> _logger;

    public LedgerUnitOfWork(
        IDbContextFactory<LedgerDbContext> contexts,
        LedgerStore store,
        LedgerRetryOptions options,
        TimeProvider time,
        ILogger<LedgerUnitOfWork> logger,
        IUnitOfWorkFaults? faults = null)
    {
        options.Validate();
        _contexts = contexts;
        _logger = logger;
        _faults = faults;
        Store = store;
        var builder = new ResiliencePipelineBuilder { TimeProvider = time };
        if (options.ResumeRetryAttempts > 0)
        {
            // Outside the short policy: a resume or throttling error ends the inner retries at once and waits here.
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = options.ResumeRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(options.ResumeRetryDelayBaseMs),
                MaxDelay = TimeSpan.FromMilliseconds(options.ResumeRetryDelayMaxMs),
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is { } e && store.Errors.ClassifyAnywhere(e) == DatabaseErrorClass.Resuming),
                OnRetry = args => OnRetry(args.AttemptNumber, args.RetryDelay, args.Outcome.Exception),
            });
        }

        _pipeline = builder
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = Math.Max(options.RetryAttemptsMax, 1),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(options.RetryDelayBaseMs),
                MaxDelay = TimeSpan.FromMilliseconds(options.RetryDelayMaxMs),
                ShouldHandle = args => ValueTask.FromResult(
                    options.RetryAttemptsMax > 0 && args.Outcome.Exception is { } e && store.Errors.IsTransientAnywhere(e)),
                OnRetry = args => OnRetry(args.AttemptNumber, args.RetryDelay, args.Outcome.Exception),
            })
            .Build();
    }

    private readonly IUnitOfWorkFaults? _faults;

    private ValueTask OnRetry(int attempt, TimeSpan delay, Exception? exception)
    {
        var errorType = exception?.GetType().Name;
        LogRetry(_logger, attempt + 1, delay.TotalMilliseconds, errorType);
        LedgerTelemetry.Retries.Add(1, new KeyValuePair<string, object?>("error_type", errorType));
        return ValueTask.CompletedTask;
    }

    internal LedgerStore Store { get; }

    /// <summary>Runs <paramref name="work"/> in a fresh context; the work owns its transaction. A database that stays
    /// busy through every retry, or cannot be reached, surfaces as <see cref="LedgerUnavailableException"/>.</summary>
    /// <remarks>
    /// The caller's token ends the wait for a pooled connection and the waits between retries, never a statement in
    /// flight: the work gets <see cref="CancellationToken.None"/>. Every statement of an operation is short, so once one is
    /// sent it runs to completion and the caller gets its result (a client that went away retries under its key and gets
    /// a replay). Cancelling it would buy nothing and costs much: Npgsql cancels a statement by opening a second
    /// connection to the server, synchronously (TCP, TLS, the cancel request) on the thread that cancels, and a burst of
    /// dropped requests (a client pool closing, a load balancer's timeout) then blocks the thread pool: measured over HTTP
    /// at 32 connections on 2 cores, each such burst stalled every request for 0.5-3 s. Long scans that are worth
    /// cancelling take <see cref="RunScanAsync{T}"/>.
    /// </remarks>
    public ValueTask<T> RunAsync<T>(Func<LedgerDbContext, CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        RunInContextAsync(work, cancellationToken, statementsCancel: false);

    /// <summary>As <see cref="RunAsync{T}"/>, for a long read-only scan (reconciliation): the caller's token also cancels
    /// the statement in flight.</summary>
    public ValueTask<T> RunScanAsync<T>(Func<LedgerDbContext, CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        RunInContextAsync(work, cancellationToken, statementsCancel: true);

    private async ValueTask<T> RunInContextAsync<T>(
        Func<LedgerDbContext, CancellationToken, Task<T>> work, CancellationToken cancellationToken, bool statementsCancel)
    {
        try
        {
            var attempt = new StrongBox<int>();
            return await _pipeline.ExecuteAsync(
                static async (state, ct) =>
                {
                    var context = await state.Contexts.CreateDbContextAsync(ct);
                    await using (context)
                    {
                        await context.Database.OpenConnectionAsync(ct);
                        var result = await state.Work(context, state.StatementsCancel ? ct : CancellationToken.None);
                        state.Faults?.AfterAttempt(state.Provider, state.Attempt.Value++);
                        return result;
                    }
                },
                (Contexts: _contexts, Work: work, StatementsCancel: statementsCancel, Faults: _faults, Provider: Store.Provider,
                    Attempt: attempt),
                cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException
            && (Store.Errors.IsTransientAnywhere(e) || Store.Errors.IsUnavailableAnywhere(e)))
        {
            throw new LedgerUnavailableException(e, Store.Errors.RetryAfterAnywhere(e));
        }
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning,
        Message = "Ledger unit of work hit a transient database error ({ErrorType}); attempt {Attempt} in {DelayMs} ms")]
    private static partial void LogRetry(ILogger logger, int attempt, double delayMs, string? errorType);
}
