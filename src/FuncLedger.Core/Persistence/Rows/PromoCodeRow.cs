namespace FuncLedger.Core.Persistence;

/// <summary>A single-use code, kept only as the SHA-256 of its normalized form; used once (<see cref="RedemptionId"/>).</summary>
internal sealed class PromoCodeRow
{
    public string Hash { get; set; } = "";

    public long CampaignId { get; set; }

    public long? RedemptionId { get; set; }

    public DateTime CreatedAt { get; set; }
}
