using FuncLedger.Core.Diagnostics;
using System.Threading.Channels;
using FuncLedger.Core.Domain;
using FuncLedger.Core.Operations;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FuncLedger.Core.Payouts;

/// <summary>
/// Group commit for payout awards, run as a hosted service: the queue function's concurrent invocations (up to batchSize +
/// newBatchThreshold per instance) hand their award to <see cref="PayAsync"/>, and one writer pays every award waiting at
/// that moment, up to <see cref="LedgerLimits.PayoutBatchSizeMax"/>, in one database transaction
/// (<see cref="ILedger.AwardAsync"/>), so a busy queue costs one commit per batch, not per message. Each award is still
/// idempotent on its deterministic key. A batch that fails for any reason but an unavailable database (a conflicting award,
/// a row the database refuses) is split in halves and each half paid again, down to single awards, so only the bad one
/// fails and finding it costs a few transactions; an unavailable database fails them all and each message is retried by
/// the queue. At most
/// <see cref="LedgerLimits.PayoutQueueLengthMax"/> awards wait; beyond that a caller waits for room.
/// </summary>
public sealed partial class PayoutWriter(ILedger ledger, ILogger<PayoutWriter> logger) : BackgroundService
{
    private readonly Channel<Pending> _waiting = Channel.CreateBounded<Pending>(
        new BoundedChannelOptions(LedgerLimits.PayoutQueueLengthMax) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private long _batches;

    /// <summary>Transactions committed so far (each paid one or more awards).</summary>
    public long Batches => Interlocked.Read(ref _batches);

    private sealed record Pending(Award Award, TaskCompletionSource<CreditResult> Result);

    /// <summary>Pays <paramref name="award"/> with whatever other awards are waiting. Cancelling stops the wait, not the
    /// payment: an award already handed over may still be paid, and its redelivery then replays.</summary>
    public async Task<CreditResult> PayAsync(Award award, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(award);
        var pending = new Pending(award, new TaskCompletionSource<CreditResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        try
        {
            await _waiting.Writer.WriteAsync(pending, cancellationToken);
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException("The payout writer has stopped.");
        }

        return await pending.Result.Task.WaitAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await WriteAsync(stoppingToken);
        }
        finally
        {
            // Stopping: refuse new awards and release every caller still waiting; their messages are retried by the queue.
            _waiting.Writer.TryComplete();
            while (_waiting.Reader.TryRead(out var left))
            {
                left.Result.TrySetException(new InvalidOperationException("The payout writer has stopped."));
            }
        }
    }

    private async Task WriteAsync(CancellationToken stoppingToken)
    {
        var deferred = new List<Pending>();
        while (deferred.Count > 0 || await _waiting.Reader.WaitToReadAsync(stoppingToken))
        {
            // Everything waiting right now, one award per key: a second delivery of the same message waits for the next
            // batch, where it replays.
            var batch = new List<Pending>(LedgerLimits.PayoutBatchSizeMax);
            var keys = new HashSet<string>(StringComparer.Ordinal);
            var carried = deferred;
            deferred = [];
            foreach (var item in carried)
            {
                (batch.Count < LedgerLimits.PayoutBatchSizeMax && keys.Add(item.Award.Key) ? batch : deferred).Add(item);
            }

            while (batch.Count < LedgerLimits.PayoutBatchSizeMax && _waiting.Reader.TryRead(out var item))
            {
                (keys.Add(item.Award.Key) ? batch : deferred).Add(item);
            }

            if (batch.Count > 0)
            {
                await PayBatchAsync(batch, stoppingToken);
            }
        }
    }

    private async Task PayBatchAsync(List<Pending> batch, CancellationToken ct)
    {
        try
        {
            var results = await ledger.AwardAsync([.. batch.Select(p => p.Award)], ct);
            Interlocked.Increment(ref _batches);
            LogBatch(logger, batch.Count);
            LedgerTelemetry.PayoutBatchSize.Record(batch.Count);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Result.TrySetResult(results[i]);
            }
        }
        catch (Exception e) when (batch.Count > 1 && e is not LedgerUnavailableException && !ct.IsCancellationRequested)
        {
            // An award is bad (a conflict, or any other failure that is not the database being unavailable, such as a
            // constraint or trigger refusing one row): pay each half on its own, so the others still go through.
            var half = batch.Count / 2;
            await PayBatchAsync(batch.GetRange(0, half), ct);
            await PayBatchAsync(batch.GetRange(half, batch.Count - half), ct);
        }
        catch (Exception e)
        {
            foreach (var pending in batch)
            {
                pending.Result.TrySetException(e);
            }
        }
    }

    [LoggerMessage(EventId = 5101, Level = LogLevel.Debug, Message = "Paid {Count} awards in one transaction")]
    private static partial void LogBatch(ILogger logger, int count);
}
