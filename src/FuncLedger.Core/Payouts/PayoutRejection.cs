namespace FuncLedger.Core.Payouts;

/// <summary>
/// A payout message that can never succeed (invalid content or an idempotency conflict): recorded once per
/// message, with the reason, and completed so it does not block the queue. Holds no personal data:
/// the message id, the registration and place it named, a stable reason code and a detail written by us.
/// </summary>
public sealed record PayoutRejection
{
    public long Id { get; init; }

    public string MessageId { get; init; } = "";

    public string? AwardType { get; init; }

    public long? RegistrationId { get; init; }

    public int? Place { get; init; }

    public string ReasonCode { get; init; } = "";

    public string Detail { get; init; } = "";

    public long DequeueCount { get; init; }

    public DateTime RejectedAt { get; init; }
}
