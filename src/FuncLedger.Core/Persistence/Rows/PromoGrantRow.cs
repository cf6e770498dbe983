namespace FuncLedger.Core.Persistence;

/// <summary>Units of an item a redemption granted (one row per item of the campaign, as granted), and the units its revocation
/// took back (null until revoked): what the shop's drift check counts beside purchases, refunds and uses.</summary>
internal sealed class PromoGrantRow
{
    public long Id { get; set; }

    public long RedemptionId { get; set; }

    public long OwnerId { get; set; }

    public string Sku { get; set; } = "";

    public int Quantity { get; set; }

    public int? Taken { get; set; }
}
