using Azure.Storage.Queues.Models;
using FuncLedger.Hosting;
using Microsoft.Azure.Functions.Worker;

namespace FuncLedger.Functions.Queue;

/// <summary>Pays the tournament system's award messages; see <see cref="PayoutProcessor"/> for what completes and what retries.</summary>
public sealed class PayoutAwardsFunction(PayoutProcessor processor)
{
    [Function(nameof(PayoutAwards))]
    public Task PayoutAwards(
        [QueueTrigger(PayoutQueue.Name, Connection = PayoutQueue.Connection)] QueueMessage message,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return processor.ProcessAsync(message.MessageId, message.DequeueCount, message.Body, cancellationToken, message.InsertedOn);
    }
}
