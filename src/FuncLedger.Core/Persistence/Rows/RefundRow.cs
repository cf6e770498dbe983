namespace FuncLedger.Core.Persistence;

/// <summary>An operator's refund of a purchase: the units given back, the coins credited (the credit entry), whether it was forced
/// past units the player no longer held, who and why.</summary>
internal sealed class RefundRow
{
    public long Id { get; set; }

    public long PurchaseId { get; set; }

    public int Quantity { get; set; }

    public long Coins { get; set; }

    public bool Forced { get; set; }

    /// <summary>The units taken out of the buyer's inventory (fewer than <see cref="Quantity"/> only when forced past units the
    /// player had used); null on refunds recorded before it was kept, which count as <see cref="Quantity"/>.</summary>
    public int? Taken { get; set; }

    public string Reason { get; set; } = "";

    public string Actor { get; set; } = "";

    public long EntryId { get; set; }

    public string IdempotencyKey { get; set; } = "";

    public string RequestFingerprint { get; set; } = "";

    public DateTime CreatedAt { get; set; }
}
