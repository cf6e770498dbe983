using System.Diagnostics;
using System.Text.Json;
using FuncLedger.Core.Diagnostics;
using FuncLedger.Core.Domain;
using FuncLedger.Core.Payouts;
using FuncLedger.Functions.Contracts;
using FuncLedger.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FuncLedger.Functions.Queue;

/// <summary>What became of a payout message.</summary>
public enum PayoutOutcome
{
    /// <summary>The award was written now.</summary>
    Paid,

    /// <summary>The award's deterministic key was already paid: a redelivery, nothing written.</summary>
    AlreadyPaid,

    /// <summary>The message can never succeed: recorded in payout_rejections, and the message completes.</summary>
    Rejected,

    /// <summary>The database was unavailable (a failover, a serverless resume): a copy of the message goes back to the queue to
    /// be delivered again after <see cref="PayoutRetryOptions.UnavailableRetryDelaySeconds"/>, and this one completes. An outage
    /// never uses up the message's deliveries, so it never sends an award to the poison queue.</summary>
    Deferred,

    /// <summary>The body is not JSON (or is over 64 KiB): moved to the poison queue on its first delivery, where an operator can
    /// read it; nothing can be recorded about a message that cannot be read, and no retry would read it better.</summary>
    Poisoned,
}

/// <summary>How long an award waits for an unavailable database before it is tried again (<c>Payouts:*</c>).</summary>
public sealed class PayoutRetryOptions
{
    public const string Section = "Payouts";

    /// <summary>The delay before a deferred award is delivered again, give or take a fifth (jitter, so a failover's backlog
    /// does not come back at once); 30 s by default, 1 to 900.</summary>
    public int UnavailableRetryDelaySeconds { get; set; } = 30;

    internal void Validate()
    {
        if (UnavailableRetryDelaySeconds is < 1 or > 900)
        {
            throw new InvalidOperationException("Payouts:UnavailableRetryDelaySeconds must be 1 to 900.");
        }
    }
}

/// <summary>
/// Pays one payout message through the core's award operations with the deterministic keys
/// (<c>participation_award_reg_{id}</c>, <c>placement_award_reg_{id}_place_{n}</c>), so a redelivered message pays
/// nothing more. Permanent failures (invalid content, idempotency conflict) are recorded and complete; a body that is not
/// JSON goes to the poison queue at once; an unavailable database defers the message (<see cref="PayoutOutcome.Deferred"/>);
/// anything else throws, so the host retries it (host.json: visibilityTimeout, maxDequeueCount) and then poisons it.
/// </summary>
public sealed partial class PayoutProcessor(
    PayoutWriter writer, IPayoutRejections rejections, PayoutRetryOptions retry, IServiceProvider services, TimeProvider time,
    ILogger<PayoutProcessor> logger)
{
    public const string Participation = "participation";
    public const string Placement = "placement";

    /// <summary>The largest message body read, in bytes (Azure Storage queues carry at most 64 KiB).</summary>
    public const int MessageBytesMax = 64 * 1024;

    /// <param name="insertedOn">When the message was enqueued (the payout lag is measured from it).</param>
    public async Task<PayoutOutcome> ProcessAsync(string messageId, long dequeueCount, BinaryData body, CancellationToken cancellationToken,
        DateTimeOffset? insertedOn = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        var bytes = body.ToMemory();
        if (bytes.Length > MessageBytesMax)
        {
            return await PoisonAsync(messageId, body, cancellationToken);
        }

        PayoutMessage? message = null;
        try
        {
            try
            {
                message = JsonSerializer.Deserialize(bytes.Span, FuncLedgerJson.Default.PayoutMessage);
            }
            catch (JsonException)
            {
                // Only on the error path: a body that is not JSON at all goes to the poison queue; JSON of the wrong shape is
                // recorded as rejected.
                return JsonText.IsWellFormed(bytes.Span)
                    ? await RejectAsync(messageId, dequeueCount, null, LedgerErrorCodes.Validation,
                        "Unknown field, or a value of the wrong type (ids and amounts are integers).", cancellationToken)
                    : await PoisonAsync(messageId, body, cancellationToken);
            }

            if (message is null)
            {
                return await RejectAsync(messageId, dequeueCount, null, LedgerErrorCodes.Validation, "The message must be a JSON object.",
                    cancellationToken);
            }

            return Validate(message) is { } problem
                ? await RejectAsync(messageId, dequeueCount, message, LedgerErrorCodes.Validation, problem, cancellationToken)
                : await PayAsync(messageId, dequeueCount, message, insertedOn, cancellationToken);
        }
        catch (LedgerUnavailableException e)
        {
            // A failover or a serverless resume lasts about a minute: the award waits it out in the queue. A copy is sent
            // before this delivery completes, so a failure in between leaves two copies (which pay once), never none.
            var seconds = Math.Max(retry.UnavailableRetryDelaySeconds, e.RetryAfter?.TotalSeconds ?? 0);
            var delay = TimeSpan.FromSeconds(seconds * (0.8 + (0.4 * Random.Shared.NextDouble())));
            await Redelivery.RetryLaterAsync(body, delay, CancellationToken.None);
            LogDeferred(logger, messageId, e.InnerException?.GetType().Name ?? e.GetType().Name, delay.TotalSeconds);
            Count(KnownType(message), "deferred");
            return PayoutOutcome.Deferred;
        }
    }

    private async Task<PayoutOutcome> PayAsync(
        string messageId, long dequeueCount, PayoutMessage message, DateTimeOffset? insertedOn, CancellationToken cancellationToken)
    {
        try
        {
            // The award (its key computed once), paid together with whatever other awards are waiting (PayoutWriter).
            var award = new Award(message.RegistrationId!.Value, message.Type == Placement ? message.Place : null,
                OwnerId.From(message.OwnerId!.Value), Coins.From(message.Amount!.Value));
            var result = await writer.PayAsync(award, cancellationToken);
            LogPaid(logger, messageId, message.Type!, result.WalletId, result.TransactionId, result.Replayed);
            Count(message.Type, result.Replayed ? "already_paid" : "paid");
            if (insertedOn is { } enqueued)
            {
                LedgerTelemetry.PayoutLag.Record(Math.Max(0, (time.GetUtcNow() - enqueued).TotalSeconds));
            }

            return result.Replayed ? PayoutOutcome.AlreadyPaid : PayoutOutcome.Paid;
        }
        catch (LedgerException e)
        {
            // Typed ledger errors are permanent: the same message would fail the same way on every delivery.
            return await RejectAsync(messageId, dequeueCount, message, e.Code, e.Message, cancellationToken);
        }
    }

    // Resolved on use: the queue client is needed only to defer or poison a message.
    private IPayoutRedelivery Redelivery => services.GetRequiredService<IPayoutRedelivery>();

    private async Task<PayoutOutcome> PoisonAsync(string messageId, BinaryData body, CancellationToken cancellationToken)
    {
        await Redelivery.PoisonAsync(body, cancellationToken);
        LogPoisoned(logger, messageId, body.ToMemory().Length);
        Count("unknown", "poisoned");
        return PayoutOutcome.Poisoned;
    }

    private static string? Validate(PayoutMessage m)
    {
        var missing = new List<string>();
        if (m.Type is null) missing.Add("type");
        if (m.RegistrationId is null) missing.Add("registrationId");
        if (m.OwnerId is null) missing.Add("ownerId");
        if (m.Amount is null) missing.Add("amount");
        if (m.Type == Placement && m.Place is null) missing.Add("place");
        if (missing.Count > 0)
        {
            return "Missing: " + string.Join(", ", missing) + ".";
        }

        return m.Type switch
        {
            Participation when m.Place is not null => "A participation award has no place.",
            Participation or Placement => null,
            _ => "type must be participation or placement.",
        };
    }

    private async Task<PayoutOutcome> RejectAsync(
        string messageId, long dequeueCount, PayoutMessage? message, string reasonCode, string detail, CancellationToken cancellationToken)
    {
        // Only a known type is kept or counted (the message's raw text is not).
        var awardType = message?.Type is Participation or Placement ? message.Type : null;
        var recorded = await rejections.RecordAsync(new PayoutRejection
        {
            MessageId = messageId,
            AwardType = awardType,
            RegistrationId = message?.RegistrationId,
            Place = message?.Place,
            ReasonCode = reasonCode,
            Detail = detail,
            DequeueCount = dequeueCount,
        }, cancellationToken);
        LogRejected(logger, messageId, reasonCode, recorded);
        Count(awardType ?? "unknown", "rejected");
        return PayoutOutcome.Rejected;
    }

    private static string KnownType(PayoutMessage? message) => message?.Type is Participation or Placement ? message.Type : "unknown";

    /// <summary>The award counter; the type tag is one of three values (never the message's raw text).</summary>
    private static void Count(string? awardType, string outcome) =>
        LedgerTelemetry.PayoutAwards.Add(1, new TagList { { "award_type", awardType }, { "outcome", outcome } });

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information,
        Message = "Payout message {MessageId} ({AwardType}): wallet {WalletId}, entry {TransactionId}, already paid {Replayed}")]
    private static partial void LogPaid(
        ILogger logger, string messageId, string awardType, long walletId, long transactionId, bool replayed);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning,
        Message = "Payout message {MessageId} rejected ({ReasonCode}); first record {Recorded}")]
    private static partial void LogRejected(ILogger logger, string messageId, string reasonCode, bool recorded);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Warning,
        Message = "Payout message {MessageId} is not JSON or is too large ({Bytes} bytes): moved to the poison queue")]
    private static partial void LogPoisoned(ILogger logger, string messageId, int bytes);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Warning,
        Message = "Payout message {MessageId}: the database is unavailable ({ErrorType}); sent back to the queue for {DelaySeconds:F0} s")]
    private static partial void LogDeferred(ILogger logger, string messageId, string errorType, double delaySeconds);
}
