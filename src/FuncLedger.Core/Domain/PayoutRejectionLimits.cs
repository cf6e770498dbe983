namespace FuncLedger.Core.Domain;

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
