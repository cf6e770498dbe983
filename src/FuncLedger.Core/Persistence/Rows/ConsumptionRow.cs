namespace FuncLedger.Core.Persistence;

/// <summary>A player's use of items it holds (a game consumed them): the units taken out of the inventory and what was left,
/// under the client's key (a retry answers this row).</summary>
internal sealed class ConsumptionRow
{
    public long Id { get; set; }

    public long OwnerId { get; set; }

    public string Sku { get; set; } = "";

    public int Quantity { get; set; }

    public long Remaining { get; set; }

    public string IdempotencyKey { get; set; } = "";

    public string RequestFingerprint { get; set; } = "";

    public DateTime CreatedAt { get; set; }
}
