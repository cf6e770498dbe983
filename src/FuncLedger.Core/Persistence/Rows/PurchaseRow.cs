namespace FuncLedger.Core.Persistence;

/// <summary>A purchase: the units bought, the price paid (a later price change never alters it), the debit entry, and the units
/// refunded so far. Written in the debit's transaction; its key is the client's (the debit entry carries it too).</summary>
internal sealed class PurchaseRow
{
    public long Id { get; set; }

    public long OwnerId { get; set; }

    public long WalletId { get; set; }

    public string Sku { get; set; } = "";

    public string Title { get; set; } = "";

    public int Quantity { get; set; }

    public long Price { get; set; }

    public long Total { get; set; }

    public int RefundedQuantity { get; set; }

    public long EntryId { get; set; }

    public string IdempotencyKey { get; set; } = "";

    public DateTime CreatedAt { get; set; }
}
