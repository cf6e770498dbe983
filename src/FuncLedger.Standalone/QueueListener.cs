using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;

namespace FuncLedger.Standalone;

/// <summary>
/// A storage-queue trigger with the Functions host's semantics from host.json: batches of <c>batchSize</c>, a new
/// batch once in-flight messages drop to <c>newBatchThreshold</c>, polling that backs off up to
/// <c>maxPollingInterval</c> while the queue is empty, a failed message made visible again after
/// <c>visibilityTimeout</c>, and a message whose dequeue count reaches <c>maxDequeueCount</c> moved to
/// <c>&lt;queue&gt;-poison</c>. Successful messages are deleted.
/// </summary>
public sealed partial class QueueListener(
    QueueFunction function,
    HostJson host,
    IConfiguration configuration,
    IServiceProvider services,
    TimeProvider time,
    ILogger<QueueListener> logger)
    : BackgroundService
{
    /// <summary>The shortest wait between polls of an empty queue.</summary>
    public static readonly TimeSpan PollingIntervalMin = TimeSpan.FromMilliseconds(100);

    /// <summary>How long a received message stays invisible while its function runs.</summary>
    public static readonly TimeSpan ProcessingLease = TimeSpan.FromMinutes(5);

    public QueueFunction Function { get; } = function;

    private QueueClient? _queue;
    private QueueClient? _poison;

    /// <summary>Messages this listener finished (deleted or moved to poison); tests and logs read it.</summary>
    public long Completed => Interlocked.Read(ref _completed);

    private long _completed;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var connection = configuration[Function.Connection]
            ?? throw new InvalidOperationException($"Set {Function.Connection}: the {Function.Name} queue trigger reads it.");
        var options = new QueueClientOptions { MessageEncoding = host.QueueMessageEncoding };
        _queue = new QueueClient(ResolveConnection(connection), Function.QueueName, options);
        _poison = new QueueClient(ResolveConnection(connection), Function.QueueName + "-poison", options);
        await CreateQueuesAsync(stoppingToken);

        var inFlight = new List<Task>();
        var delay = PollingIntervalMin;
        while (!stoppingToken.IsCancellationRequested)
        {
            inFlight.RemoveAll(t => t.IsCompleted);
            if (inFlight.Count > host.QueueNewBatchThreshold)
            {
                await Task.WhenAny(inFlight);
                continue;
            }

            QueueMessage[] messages;
            try
            {
                messages = (await _queue.ReceiveMessagesAsync(host.QueueBatchSize, ProcessingLease, stoppingToken)).Value;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (RequestFailedException e)
            {
                LogReceiveFailed(logger, Function.QueueName, e.Status);
                messages = [];
            }

            if (messages.Length == 0)
            {
                try
                {
                    await Task.Delay(delay, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                var ceiling = Math.Max(host.QueueMaxPollingInterval.Ticks, PollingIntervalMin.Ticks);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, ceiling));
                continue;
            }

            delay = PollingIntervalMin;
            foreach (var message in messages)
            {
                inFlight.Add(ProcessAsync(message, stoppingToken));
            }
        }

        // Let running invocations finish their own message before the host stops.
        await Task.WhenAll(inFlight);
    }

    private async Task ProcessAsync(QueueMessage message, CancellationToken stoppingToken)
    {
        await Task.Yield();
        if (message.DequeueCount > host.QueueMaxDequeueCount)
        {
            // Delivered more often than allowed (a crash mid-processing, say): straight to poison.
            await MoveToPoisonAsync(message, stoppingToken);
            return;
        }

        try
        {
            await using var scope = services.CreateAsyncScope();
            await FunctionInvoker.InvokeQueueAsync(scope.ServiceProvider, Function, message, stoppingToken);
            await _queue!.DeleteMessageAsync(message.MessageId, message.PopReceipt, CancellationToken.None);
            Interlocked.Increment(ref _completed);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: the message becomes visible again when its lease ends.
        }
        catch (Exception e)
        {
            LogFailed(logger, e, Function.Name, message.MessageId, message.DequeueCount, host.QueueMaxDequeueCount);
            try
            {
                if (message.DequeueCount >= host.QueueMaxDequeueCount)
                {
                    await MoveToPoisonAsync(message, CancellationToken.None);
                }
                else
                {
                    await _queue!.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: host.QueueVisibilityTimeout,
                        cancellationToken: CancellationToken.None);
                }
            }
            catch (RequestFailedException release)
            {
                // The lease will expire on its own and the message will be delivered again.
                LogReleaseFailed(logger, message.MessageId, release.Status);
            }
        }
    }

    private async Task MoveToPoisonAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        await _poison!.SendMessageAsync(message.Body, cancellationToken: cancellationToken);
        await _queue!.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
        Interlocked.Increment(ref _completed);
        LogPoisoned(logger, message.MessageId, Function.QueueName + "-poison", message.DequeueCount);
    }

    private async Task CreateQueuesAsync(CancellationToken stoppingToken)
    {
        var delay = PollingIntervalMin;
        while (true)
        {
            try
            {
                await _queue!.CreateIfNotExistsAsync(cancellationToken: stoppingToken);
                await _poison!.CreateIfNotExistsAsync(cancellationToken: stoppingToken);
                LogListening(logger, Function.Name, Function.QueueName);
                return;
            }
            catch (Exception e) when (e is RequestFailedException or AggregateException or HttpRequestException
                && !stoppingToken.IsCancellationRequested)
            {
                LogStorageUnavailable(logger, Function.QueueName);
                await Task.Delay(delay, time, stoppingToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }

    /// <summary><c>UseDevelopmentStorage=true</c> means Azurite on its default ports, as the Functions host reads it.</summary>
    public static string ResolveConnection(string connection) =>
        connection.Trim().Equals("UseDevelopmentStorage=true", StringComparison.OrdinalIgnoreCase)
            ? "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
              + "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
              + "BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1;"
              + "TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;"
            : connection;

    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "{Function} listening on queue {Queue}")]
    private static partial void LogListening(ILogger logger, string function, string queue);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Warning,
        Message = "{Function} failed on message {MessageId} (delivery {DequeueCount} of {MaxDequeueCount})")]
    private static partial void LogFailed(
        ILogger logger, Exception exception, string function, string messageId, long dequeueCount, int maxDequeueCount);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Warning,
        Message = "Message {MessageId} moved to {PoisonQueue} after {DequeueCount} deliveries")]
    private static partial void LogPoisoned(ILogger logger, string messageId, string poisonQueue, long dequeueCount);

    [LoggerMessage(EventId = 7004, Level = LogLevel.Warning, Message = "Queue {Queue}: receive failed with status {Status}")]
    private static partial void LogReceiveFailed(ILogger logger, string queue, int status);

    [LoggerMessage(EventId = 7005, Level = LogLevel.Warning,
        Message = "Message {MessageId}: release failed with status {Status}; its lease will expire")]
    private static partial void LogReleaseFailed(ILogger logger, string messageId, int status);

    [LoggerMessage(EventId = 7006, Level = LogLevel.Warning, Message = "Queue storage unavailable for {Queue}; retrying")]
    private static partial void LogStorageUnavailable(ILogger logger, string queue);
}
