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
    }
}

/// <summary>
/// The one retry layer: runs a whole unit of work with a fresh DbContext per attempt, and retries it,
/// with jittered exponential backoff and a bounded number of attempts, only on the provider's
/// deadlock / serialization / busy errors. Nothing else in the core retries.
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
        ILogger<LedgerUnitOfWork> logger)
    {
        options.Validate();
        _contexts = contexts;
        _logger = logger;
        Store = store;
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = Math.Max(options.RetryAttemptsMax, 1),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(options.RetryDelayBaseMs),
                MaxDelay = TimeSpan.FromMilliseconds(options.RetryDelayMaxMs),
                ShouldHandle = args => ValueTask.FromResult(
                    options.RetryAttemptsMax > 0 && args.Outcome.Exception is { } e && store.Errors.IsTransientAnywhere(e)),
                OnRetry = args =>
                {
                    var errorType = args.Outcome.Exception?.GetType().Name;
                    LogRetry(_logger, args.AttemptNumber + 1, args.RetryDelay.TotalMilliseconds, errorType);
                    LedgerTelemetry.Retries.Add(1, new KeyValuePair<string, object?>("error_type", errorType));
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
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
            return await _pipeline.ExecuteAsync(
                static async (state, ct) =>
                {
                    var context = await state.Contexts.CreateDbContextAsync(ct);
                    await using (context)
                    {
                        await context.Database.OpenConnectionAsync(ct);
                        return await state.Work(context, state.StatementsCancel ? ct : CancellationToken.None);
                    }
                },
                (Contexts: _contexts, Work: work, StatementsCancel: statementsCancel),
                cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException
            && (Store.Errors.IsTransientAnywhere(e) || Store.Errors.IsUnavailableAnywhere(e)))
        {
            throw new LedgerUnavailableException(e);
        }
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning,
        Message = "Ledger unit of work hit a transient database error ({ErrorType}); attempt {Attempt} in {DelayMs} ms")]
    private static partial void LogRetry(ILogger logger, int attempt, double delayMs, string? errorType);
}
