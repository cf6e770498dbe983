namespace FuncLedger.Core.Persistence;

/// <summary>The units of one item a player holds. Changed only under the owner's wallet lock (a purchase's debit, a refund's
/// credit), so two changes of one player's inventory never interleave.</summary>
internal sealed class InventoryRow
{
    public long OwnerId { get; set; }

    public string Sku { get; set; } = "";

    public long Quantity { get; set; }

    public DateTime UpdatedAt { get; set; }
}
