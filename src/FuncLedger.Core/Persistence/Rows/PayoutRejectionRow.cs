namespace FuncLedger.Core.Persistence;

/// <summary>A stored payout rejection (the payouts' <c>PayoutRejection</c>, as a row).</summary>
internal sealed class PayoutRejectionRow
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
