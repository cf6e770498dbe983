namespace FuncLedger.Core.Persistence;

/// <summary>A promo campaign: its reward, window, switch and caps; for a capped campaign <see cref="Redemptions"/> counts the
/// redemptions that hold a slot of the total cap (moved by a guarded update, so the cap holds under races on every instance);
/// an uncapped campaign keeps it at 0 (its redemptions are counted from their rows).</summary>
internal sealed class PromoCampaignRow
{
    public long Id { get; set; }

    public string Name { get; set; } = "";

    public long Coins { get; set; }

    /// <summary>Items granted beside the coins: "sku:quantity" pairs separated by commas, or null.</summary>
    public string? Items { get; set; }

    public DateTime? StartsAt { get; set; }

    public DateTime? EndsAt { get; set; }

    public int? MaxRedemptions { get; set; }

    public int PerPlayerLimit { get; set; }

    /// <summary>The shared code, upper case; unique among active campaigns.</summary>
    public string? VanityCode { get; set; }

    public bool Active { get; set; }

    public int Redemptions { get; set; }

    public int CodesIssued { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }
}
