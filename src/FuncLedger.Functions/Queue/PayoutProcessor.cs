using System.Diagnostics;
using System.Text.Json;
using FuncLedger.Core.Diagnostics;
using FuncLedger.Core.Domain;
using FuncLedger.Core.Payouts;
using FuncLedger.Functions.Contracts;
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
}

/// <summary>Thrown for a message body that is not JSON at all: it is retried and ends in the poison queue,
/// where an operator can read it (nothing can be recorded about a message that cannot be read).</summary>
public sealed class MalformedPayoutMessageException(string messageId)
    : Exception($"Payout message {messageId} is not well-formed JSON.");

/// <summary>
/// Pays one payout message through the core's award operations with the deterministic keys
/// (<c>participation_award_reg_{id}</c>, <c>placement_award_reg_{id}_place_{n}</c>), so a redelivered message pays
/// nothing more. Permanent failures (invalid content, idempotency conflict) are recorded and complete; transient ones
/// throw so the host retries and, after maxDequeueCount, moves the message to <c>payout-awards-poison</c>.
/// </summary>
public sealed partial class PayoutProcessor(
    PayoutWriter writer, IPayoutRejections rejections, TimeProvider time, ILogger<PayoutProcessor> logger)
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
            throw Malformed(messageId, dequeueCount);
        }

        PayoutMessage? message;
        try
        {
            message = JsonSerializer.Deserialize(bytes.Span, FuncLedgerJson.Default.PayoutMessage);
        }
        catch (JsonException)
        {
            // Only on the error path: a body that is not JSON at all retries into the poison queue; JSON of the
            // wrong shape is recorded as rejected.
            if (!JsonText.IsWellFormed(bytes.Span))
            {
                throw Malformed(messageId, dequeueCount);
            }

            return await RejectAsync(messageId, dequeueCount, null, LedgerErrorCodes.Validation,
                "Unknown field, or a value of the wrong type (ids and amounts are integers).", cancellationToken);
        }

        if (message is null)
        {
            return await RejectAsync(messageId, dequeueCount, null, LedgerErrorCodes.Validation, "The message must be a JSON object.",
                cancellationToken);
        }

        var problem = Validate(message);
        if (problem is not null)
        {
            return await RejectAsync(messageId, dequeueCount, message, LedgerErrorCodes.Validation, problem, cancellationToken);
        }

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

    /// <summary>The award counter; the type tag is one of three values (never the message's raw text).</summary>
    private static void Count(string? awardType, string outcome) =>
        LedgerTelemetry.PayoutAwards.Add(1, new TagList { { "award_type", awardType }, { "outcome", outcome } });

    private MalformedPayoutMessageException Malformed(string messageId, long dequeueCount)
    {
        LogMalformed(logger, messageId, dequeueCount);
        return new MalformedPayoutMessageException(messageId);
    }

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information,
        Message = "Payout message {MessageId} ({AwardType}): wallet {WalletId}, entry {TransactionId}, already paid {Replayed}")]
    private static partial void LogPaid(
        ILogger logger, string messageId, string awardType, long walletId, long transactionId, bool replayed);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning,
        Message = "Payout message {MessageId} rejected ({ReasonCode}); first record {Recorded}")]
    private static partial void LogRejected(ILogger logger, string messageId, string reasonCode, bool recorded);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Warning,
        Message = "Payout message {MessageId} is not JSON (delivery {DequeueCount}); it will retry and go to the poison queue")]
    private static partial void LogMalformed(ILogger logger, string messageId, long dequeueCount);
}
