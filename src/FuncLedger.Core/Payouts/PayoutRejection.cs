namespace FuncLedger.Core.Payouts;

/// <summary>Bounds of a stored payout rejection.</summary>
public static class PayoutRejectionLimits
{
    public const int MessageIdLengthMax = 100;
    public const int ReasonCodeLengthMax = 40;
    public const int DetailLengthMax = 500;
    public const int AwardTypeLengthMax = 16;

    /// <summary>The most rejections one read returns.</summary>
    public const int RecentMax = 1_000;
}

/// <summary>
/// A payout message that can never succeed (invalid content or an idempotency conflict): recorded once per
/// message, with the reason, and completed so it does not block the queue. Holds no personal data:
/// the message id, the registration and place it named, a stable reason code and a detail written by us.
/// </summary>
public sealed class PayoutRejection
{
    public long Id { get; set; }

    public string MessageId { get; set; } = "";

    public string? AwardType { get; set; }

    public long? RegistrationId { get; set; }

    public int? Place { get; set; }

    public string ReasonCode { get; set; } = "";

    public string Detail { get; set; } = "";

    public long DequeueCount { get; set; }

    public DateTime RejectedAt { get; set; }
}
