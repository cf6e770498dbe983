namespace FuncLedger.Core.Persistence;

/// <summary>One line of a checkout: the units of an item at the price the buyer saw, and once confirmed, its purchase.</summary>
internal sealed class CheckoutLineRow
{
    public long CheckoutId { get; set; }

    /// <summary>1-based, in the request's order.</summary>
    public int Line { get; set; }

    public string Sku { get; set; } = "";

    public int Quantity { get; set; }

    public long Price { get; set; }

    public long? PurchaseId { get; set; }
}
