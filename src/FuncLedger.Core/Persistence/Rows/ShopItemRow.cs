namespace FuncLedger.Core.Persistence;

/// <summary>An item of the coin shop's catalog. <see cref="Stock"/> is what is left (null: unlimited); a purchase decrements it
/// with a guarded update in its transaction, a refund or a cancelled checkout returns units.</summary>
internal sealed class ShopItemRow
{
    public string Sku { get; set; } = "";

    public string Title { get; set; } = "";

    public long Price { get; set; }

    public long? Stock { get; set; }

    public int? PerPlayerLimit { get; set; }

    public DateTime? StartsAt { get; set; }

    public DateTime? EndsAt { get; set; }

    public bool Active { get; set; }

    public string? Meta { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }
}
