using System.Threading.Channels;
using FuncLedger.Core.Diagnostics;
using FuncLedger.Core.Domain;
using FuncLedger.Core.Operations;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FuncLedger.Core.Payouts;

/// <summary>
/// Group commit for payout awards, run as a hosted service: the queue function's concurrent invocations (up to batchSize +
/// newBatchThreshold per instance) hand their award to <see cref="PayAsync"/>, and the writer pays every award waiting at
/// that moment, up to <see cref="LedgerLimits.PayoutBatchSizeMax"/>, in one database transaction
/// (<see cref="ILedger.AwardAsync"/>), so a busy queue costs one commit per batch, not per message; up to
/// <see cref="LedgerLimits.PayoutBatchesInFlightMax"/> batches are paid side by side, never two with the same key or owner
/// (so they lock disjoint wallets). Each award is still
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
        var inFlight = new List<InFlight>();
        try
        {
            while (true)
            {
                stoppingToken.ThrowIfCancellationRequested();
                inFlight.RemoveAll(f => f.Paying.IsCompleted);
                if (inFlight.Count >= LedgerLimits.PayoutBatchesInFlightMax)
                {
                    await Task.WhenAny(inFlight.Select(f => f.Paying));
                    continue;
                }

                var batch = Take(ref deferred, inFlight);
                if (batch.Count > 0)
                {
                    inFlight.Add(new InFlight(PayBatchAsync(batch, stoppingToken), [.. batch.Select(p => p.Award.Key)],
                        [.. batch.Select(p => p.Award.Owner.Value)]));
                }
                else if (deferred.Count > 0)
                {
                    // Everything left waits on a batch in flight (same key or owner): wait for one to finish.
                    await Task.WhenAny(inFlight.Select(f => f.Paying));
                }
                else if (inFlight.Count == 0)
                {
                    if (!await _waiting.Reader.WaitToReadAsync(stoppingToken))
                    {
                        return;
                    }
                }
                else
                {
                    var finished = Task.WhenAny(inFlight.Select(f => f.Paying));
                    await Task.WhenAny(_waiting.Reader.WaitToReadAsync(stoppingToken).AsTask(), finished);
                }
            }
        }
        finally
        {
            // The batches in flight finish (their statements run to completion) before the writer reports stopped; awards
            // deferred behind them are released like those still queued (the queue retries their messages).
            await Task.WhenAll(inFlight.Select(f => f.Paying));
            foreach (var left in deferred)
            {
                left.Result.TrySetException(new InvalidOperationException("The payout writer has stopped."));
            }
        }
    }

    /// <summary>A batch being paid, with its keys and owners.</summary>
    private sealed record InFlight(Task Paying, HashSet<string> Keys, HashSet<long> Owners);

    /// <summary>The next batch: the awards deferred before, then everything waiting now, one award per key, up to
    /// <see cref="LedgerLimits.PayoutBatchSizeMax"/>, leaving out (deferring, in order) any award whose key or owner is in a
    /// batch in flight. A second delivery of a message thus waits for the batch paying the first, and replays; and batches
    /// paid side by side lock disjoint wallets, so neither waits on the other's locks.</summary>
    private List<Pending> Take(ref List<Pending> deferred, List<InFlight> inFlight)
    {
        var batch = new List<Pending>(LedgerLimits.PayoutBatchSizeMax);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var later = new List<Pending>();
        foreach (var item in deferred)
        {
            (Fits(item) ? batch : later).Add(item);
        }

        while (batch.Count < LedgerLimits.PayoutBatchSizeMax && _waiting.Reader.TryRead(out var item))
        {
            (Fits(item) ? batch : later).Add(item);
        }

        deferred = later;
        return batch;

        bool Fits(Pending item) => batch.Count < LedgerLimits.PayoutBatchSizeMax
            && !inFlight.Exists(f => f.Keys.Contains(item.Award.Key) || f.Owners.Contains(item.Award.Owner.Value))
            && keys.Add(item.Award.Key);
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
