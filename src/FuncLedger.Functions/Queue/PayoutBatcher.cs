using System.Threading.Channels;
using FuncLedger.Core.Domain;
using FuncLedger.Core.Operations;
using Microsoft.Extensions.Logging;

namespace FuncLedger.Functions.Queue;

/// <summary>
/// Group commit for payout awards: the queue function's concurrent invocations (up to batchSize + newBatchThreshold
/// per instance) hand their award here, and one writer pays every award waiting at that moment in one database
/// transaction (<see cref="ILedger.AwardAsync"/>), so a busy queue costs one commit per batch, not per message.
/// Each award is still idempotent on its deterministic key. If a batch fails with a ledger error (an invalid or
/// conflicting award), it is split in halves and each half paid again, down to single awards, so only the bad one
/// fails and finding it costs a few transactions, not one per award; any other error fails them all and each message
/// is retried by the queue.
/// </summary>
public sealed partial class PayoutBatcher : IDisposable
{
    /// <summary>The most awards one transaction pays.</summary>
    public const int BatchSizeMax = 256;

    private readonly ILedger _ledger;
    private readonly ILogger<PayoutBatcher> _logger;
    private readonly Channel<Pending> _waiting = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;
    private long _batches;

    public PayoutBatcher(ILedger ledger, ILogger<PayoutBatcher> logger)
    {
        _ledger = ledger;
        _logger = logger;
        _writer = Task.Run(WriteAsync);
    }

    /// <summary>Transactions committed so far (each paid one or more awards).</summary>
    public long Batches => Interlocked.Read(ref _batches);

    private sealed record Pending(Award Award, string Key, TaskCompletionSource<CreditResult> Result);

    public Task<CreditResult> PayAsync(Award award, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(award);
        cancellationToken.ThrowIfCancellationRequested();
        var key = award.Place is { } place
            ? Core.Idempotency.IdempotencyKeys.Placement(award.RegistrationId, place)
            : Core.Idempotency.IdempotencyKeys.Participation(award.RegistrationId);
        var pending = new Pending(award, key, new TaskCompletionSource<CreditResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_waiting.Writer.TryWrite(pending))
        {
            throw new InvalidOperationException("The payout batcher has stopped.");
        }

        return pending.Result.Task;
    }

    private async Task WriteAsync()
    {
        var deferred = new List<Pending>();
        while (deferred.Count > 0 || await _waiting.Reader.WaitToReadAsync())
        {
            // Everything waiting right now, one award per key: a second delivery of the same message waits for the
            // next batch, where it replays.
            var batch = new List<Pending>(BatchSizeMax);
            var keys = new HashSet<string>(StringComparer.Ordinal);
            var carried = deferred;
            deferred = [];
            foreach (var item in carried)
            {
                (batch.Count < BatchSizeMax && keys.Add(item.Key) ? batch : deferred).Add(item);
            }

            while (batch.Count < BatchSizeMax && _waiting.Reader.TryRead(out var item))
            {
                (keys.Add(item.Key) ? batch : deferred).Add(item);
            }

            if (batch.Count > 0)
            {
                await PayAsync(batch);
            }
        }
    }

    private async Task PayAsync(List<Pending> batch)
    {
        try
        {
            var results = await _ledger.AwardAsync([.. batch.Select(p => p.Award)]);
            Interlocked.Increment(ref _batches);
            LogBatch(_logger, batch.Count);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Result.TrySetResult(results[i]);
            }
        }
        catch (LedgerException) when (batch.Count > 1)
        {
            // An award is bad: pay each half on its own, so the others still go through.
            var half = batch.Count / 2;
            await PayAsync(batch.GetRange(0, half));
            await PayAsync(batch.GetRange(half, batch.Count - half));
        }
        catch (Exception e)
        {
            foreach (var pending in batch)
            {
                pending.Result.TrySetException(e);
            }
        }
    }

    public void Dispose() => _waiting.Writer.TryComplete();

    [LoggerMessage(EventId = 5101, Level = LogLevel.Debug, Message = "Paid {Count} awards in one transaction")]
    private static partial void LogBatch(ILogger logger, int count);
}
