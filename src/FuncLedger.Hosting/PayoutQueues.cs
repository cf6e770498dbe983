using System.Text;
using System.Text.Json;
using Azure;
using Azure.Core;
using Azure.Identity;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Configuration;

namespace FuncLedger.Hosting;

/// <summary>The queue names of the payout contract.</summary>
public static class PayoutQueue
{
    public const string Name = "payout-awards";
    public const string PoisonName = Name + "-poison";
    public const string Connection = "AzureWebJobsStorage";

    /// <summary>How the host encodes the queue's messages (host.json <c>extensions.queues.messageEncoding</c>; a conformance
    /// test keeps the two equal): the function gets the decoded body, and a copy it sends must be encoded again.</summary>
    public const string MessageEncoding = "base64";
}

/// <summary>Where payout messages go other than being completed: back to the queue later, or to the poison queue. The bodies
/// are encoded as host.json's messageEncoding says (<see cref="PayoutQueue.MessageEncoding"/>), so the function reads a copy as
/// it read the original.</summary>
public interface IPayoutRedelivery
{
    /// <summary>A new message with <paramref name="body"/> on the payout queue, invisible for <paramref name="delay"/>.</summary>
    Task RetryLaterAsync(BinaryData body, TimeSpan delay, CancellationToken cancellationToken);

    /// <summary>A new message with <paramref name="body"/> on the poison queue.</summary>
    Task PoisonAsync(BinaryData body, CancellationToken cancellationToken);
}

/// <summary>A poisoned payout message as an operator sees it: what it would pay, never whom (no owner id).</summary>
public sealed record PoisonMessage(string MessageId, DateTimeOffset? InsertedOn, long DequeueCount, string? AwardType,
    long? RegistrationId, int? Place, long? Amount, int Bytes);

/// <summary>The poison queue: its approximate length and the messages at its head (a queue can be peeked 32 at a time).
/// </summary>
public sealed record PoisonListing(string Queue, long ApproximateCount, IReadOnlyList<PoisonMessage> Messages);

/// <summary>A message moved (or, on a dry run, that would be moved) back to the payout queue.</summary>
public sealed record RequeuedMessage(string PoisonMessageId, string? PayoutMessageId);

/// <summary>What a requeue did: the messages moved and what is left in the poison queue (approximate).</summary>
public sealed record RequeueResult(bool DryRun, IReadOnlyList<RequeuedMessage> Requeued, long Remaining);

/// <summary>
/// The payout queue and its poison queue, for operators: list the poisoned messages and move them back. Moving is safe
/// because every award is idempotent on its deterministic key: a message that was paid before it was poisoned (or that is
/// moved twice) pays nothing more. Bodies are copied byte for byte (no re-encoding), so the function reads them as it read
/// the original.
/// </summary>
public sealed class PayoutQueues(QueueServiceClient service) : IPayoutRedelivery
{
    /// <summary>Messages received per round trip (the storage service's maximum).</summary>
    public const int PageSize = 32;

    private static readonly TimeSpan Invisible = TimeSpan.FromMinutes(2);

    private QueueClient Payouts => service.GetQueueClient(PayoutQueue.Name);

    private QueueClient Poison => service.GetQueueClient(PayoutQueue.PoisonName);

    /// <summary>The storage account the function app's queue trigger uses (<c>AzureWebJobsStorage</c>): a connection
    /// string, or the identity-based settings (<c>__queueServiceUri</c> or <c>__accountName</c>, with <c>__clientId</c> for
    /// a user-assigned identity), as the Functions host reads them.</summary>
    public static PayoutQueues FromConfiguration(IConfiguration configuration, string connection = PayoutQueue.Connection)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new QueueClientOptions();
        if (configuration[connection] is { Length: > 0 } connectionString)
        {
            return new PayoutQueues(new QueueServiceClient(connectionString, options));
        }

        var section = configuration.GetSection(connection);
        var uri = section["queueServiceUri"] is { Length: > 0 } u ? new Uri(u)
            : section["accountName"] is { Length: > 0 } account ? new Uri($"https://{account}.queue.core.windows.net")
            : throw new InvalidOperationException(
                $"{connection} is not configured: set a connection string, or {connection}__queueServiceUri with a managed identity.");
        TokenCredential credential = section["clientId"] is { Length: > 0 } clientId
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new DefaultAzureCredential();
        return new PayoutQueues(new QueueServiceClient(uri, credential, options));
    }

    /// <summary>Whether the queue service answers (the payout queue's properties; a queue not created yet answers too).</summary>
    public async Task<bool> ProbeAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Payouts.GetPropertiesAsync(cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return true;
        }
        catch (Exception e) when (e is RequestFailedException or OperationCanceledException or AggregateException
            or HttpRequestException or AuthenticationFailedException)
        {
            return false;
        }
    }

    public async Task RetryLaterAsync(BinaryData body, TimeSpan delay, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        try
        {
            await Payouts.SendMessageAsync(Encoded(body), visibilityTimeout: delay, cancellationToken: cancellationToken);
        }
        catch (RequestFailedException e) when (e.ErrorCode == QueueErrorCode.QueueNotFound)
        {
            // The copy must not be lost because the queue was deleted or never created (a fresh storage account): create it.
            await Payouts.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            await Payouts.SendMessageAsync(Encoded(body), visibilityTimeout: delay, cancellationToken: cancellationToken);
        }
    }

    public async Task PoisonAsync(BinaryData body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        await Poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await Poison.SendMessageAsync(Encoded(body), cancellationToken: cancellationToken);
    }

    /// <summary>A decoded body as the queue stores it (<see cref="PayoutQueue.MessageEncoding"/>), as the host's own poison copy
    /// and a requeue have it.</summary>
    private static string Encoded(BinaryData body) => Convert.ToBase64String(body.ToMemory().Span);

    public async Task<PoisonListing> ListAsync(CancellationToken cancellationToken = default)
    {
        if (!await Poison.ExistsAsync(cancellationToken))
        {
            return new PoisonListing(PayoutQueue.PoisonName, 0, []);
        }

        var properties = await Poison.GetPropertiesAsync(cancellationToken);
        var peeked = await Poison.PeekMessagesAsync(PageSize, cancellationToken);
        return new PoisonListing(PayoutQueue.PoisonName, properties.Value.ApproximateMessagesCount,
            [.. peeked.Value.Select(m => Describe(m.MessageId, m.InsertedOn, m.DequeueCount, m.Body))]);
    }

    /// <summary>Moves the poisoned message <paramref name="messageId"/> (every message when null) back to the payout
    /// queue: sent there first, then deleted from the poison queue, so a failure in between leaves a copy in both (which
    /// pays once) and never none. A dry run peeks and moves nothing. <see cref="KeyNotFoundException"/> when the message
    /// is not in the poison queue.</summary>
    public async Task<RequeueResult> RequeueAsync(string? messageId, bool dryRun, CancellationToken cancellationToken = default)
    {
        if (!await Poison.ExistsAsync(cancellationToken))
        {
            return messageId is null ? new RequeueResult(dryRun, [], 0) : throw NotFound(messageId, false);
        }

        if (dryRun)
        {
            var listing = await ListAsync(cancellationToken);
            var would = listing.Messages.Where(m => messageId is null || m.MessageId == messageId)
                .Select(m => new RequeuedMessage(m.MessageId, null)).ToList();
            if (messageId is not null && would.Count == 0)
            {
                throw NotFound(messageId, listing.ApproximateCount > PageSize);
            }

            return new RequeueResult(true, would, listing.ApproximateCount - (messageId is null ? listing.ApproximateCount : would.Count));
        }

        await Payouts.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var moved = new List<RequeuedMessage>();
        var passedOver = new List<QueueMessage>();
        // At most what was there when it started (and a page more, the count being approximate): messages that fail
        // again while this runs and come back to the poison queue are not moved round in a loop.
        var budget = (await Poison.GetPropertiesAsync(cancellationToken)).Value.ApproximateMessagesCount + PageSize;
        try
        {
            while (moved.Count + passedOver.Count < budget)
            {
                var take = (int)Math.Min(PageSize, budget - moved.Count - passedOver.Count);
                var batch = (await Poison.ReceiveMessagesAsync(take, Invisible, cancellationToken)).Value;
                if (batch.Length == 0)
                {
                    break;
                }

                foreach (var message in batch)
                {
                    if (messageId is not null && message.MessageId != messageId)
                    {
                        passedOver.Add(message);
                        continue;
                    }

                    var sent = await Payouts.SendMessageAsync(message.Body, cancellationToken: cancellationToken);
                    await Poison.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
                    moved.Add(new RequeuedMessage(message.MessageId, sent.Value.MessageId));
                }

                if (messageId is not null && moved.Count > 0)
                {
                    break;
                }
            }
        }
        finally
        {
            // The messages looked at and left: visible again at once (not after the receive's visibility timeout).
            foreach (var message in passedOver)
            {
                await Poison.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.Zero,
                    cancellationToken: CancellationToken.None);
            }
        }

        if (messageId is not null && moved.Count == 0)
        {
            throw NotFound(messageId, false);
        }

        var left = (await Poison.GetPropertiesAsync(cancellationToken)).Value.ApproximateMessagesCount;
        return new RequeueResult(false, moved, left);
    }

    private static KeyNotFoundException NotFound(string messageId, bool onlyPeeked) => new(
        $"Message {messageId} is not in {PayoutQueue.PoisonName}{(onlyPeeked ? $" (a dry run sees its first {PageSize} messages)" : "")}.");

    /// <summary>The award a body names (base64 or plain JSON, as the queue's encoding has it); nulls when it is not one.
    /// </summary>
    internal static PoisonMessage Describe(string messageId, DateTimeOffset? insertedOn, long dequeueCount, BinaryData body)
    {
        var bytes = body.ToArray();
        var json = bytes;
        try
        {
            json = Convert.FromBase64String(Encoding.UTF8.GetString(bytes));
        }
        catch (FormatException)
        {
            // Plain JSON (a queue without base64 encoding).
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                return new PoisonMessage(messageId, insertedOn, dequeueCount,
                    root.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null,
                    Number(root, "registrationId"), Number(root, "place") is long p and >= 0 and <= int.MaxValue ? (int)p : null,
                    Number(root, "amount"), bytes.Length);
            }
        }
        catch (JsonException)
        {
            // Not JSON at all: the reason it was poisoned.
        }

        return new PoisonMessage(messageId, insertedOn, dequeueCount, null, null, null, null, bytes.Length);
    }

    private static long? Number(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n) ? n : null;
}
