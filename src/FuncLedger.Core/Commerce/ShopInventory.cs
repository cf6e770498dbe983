using FuncLedger.Core.Domain;
using FuncLedger.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace FuncLedger.Core.Commerce;

/// <summary>Changes of a player's inventory, always under the owner's wallet lock (the purchase's debit, the refund's credit, a
/// promo code's grant and its revocation, a use), so two of them never interleave (saved with the caller's
/// <c>SaveChangesAsync</c>); and an item's limited stock, taken and returned by guarded updates in the caller's transaction.
/// </summary>
internal static class ShopInventory
{
    public static async Task GrantAsync(LedgerDbContext db, long owner, string sku, long quantity, DateTime now, CancellationToken ct)
    {
        var line = await db.Inventory.AsTracking().SingleOrDefaultAsync(i => i.OwnerId == owner && i.Sku == sku, ct);
        if (line is null)
        {
            db.Inventory.Add(new InventoryRow { OwnerId = owner, Sku = sku, Quantity = quantity, UpdatedAt = now });
            return;
        }

        line.Quantity = checked(line.Quantity + quantity);
        line.UpdatedAt = now;
    }

    /// <summary>What the per-player limit counts: the units the owner bought (less refunded) and those it holds in pending
    /// checkouts not yet expired. Read under the owner's wallet lock, which every purchase, refund and checkout takes.</summary>
    public static async Task<long> CountedAsync(LedgerDbContext db, long owner, string sku, DateTime now, CancellationToken ct)
    {
        var bought = await db.Purchases.Where(p => p.OwnerId == owner && p.Sku == sku)
            .SumAsync(p => (long)(p.Quantity - p.RefundedQuantity), ct);
        var reserved = await db.CheckoutLines.Where(l => l.Sku == sku)
            .Join(db.Checkouts.Where(c => c.OwnerId == owner && c.Status == CheckoutStatus.Pending && c.ExpiresAt > now),
                l => l.CheckoutId, c => c.Id, (l, c) => (long)l.Quantity).SumAsync(ct);
        return checked(bought + reserved);
    }

    /// <summary>The units the owner holds of <paramref name="sku"/>.</summary>
    public static Task<long> HeldAsync(LedgerDbContext db, long owner, string sku, CancellationToken ct) =>
        db.Inventory.Where(i => i.OwnerId == owner && i.Sku == sku).Select(i => i.Quantity).FirstOrDefaultAsync(ct);

    /// <summary>Takes up to <paramref name="quantity"/> units back; returns how many it took.</summary>
    public static async Task<long> TakeAsync(LedgerDbContext db, long owner, string sku, long quantity, DateTime now, CancellationToken ct)
    {
        var line = await db.Inventory.AsTracking().SingleOrDefaultAsync(i => i.OwnerId == owner && i.Sku == sku, ct);
        if (line is null || line.Quantity == 0)
        {
            return 0;
        }

        var taken = Math.Min(line.Quantity, quantity);
        line.Quantity -= taken;
        line.UpdatedAt = now;
        return taken;
    }

    /// <summary>Takes <paramref name="quantity"/> units from a limited stock (an unlimited one is not touched): a guarded update
    /// that waits for a concurrent buyer's commit and then sees what is left; <see cref="OutOfStockException"/> when too few.
    /// </summary>
    public static async Task TakeStockAsync(LedgerDbContext db, ShopItemRow item, int quantity, CancellationToken ct)
    {
        if (item.Stock is null || await db.ShopItems.Where(i => i.Sku == item.Sku && i.Stock >= quantity)
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.Stock, i => i.Stock - quantity), ct) == 1)
        {
            return;
        }

        var left = await db.ShopItems.Where(i => i.Sku == item.Sku).Select(i => i.Stock).SingleAsync(ct);
        throw new OutOfStockException(item.Sku, left ?? 0);
    }

    /// <summary>Gives <paramref name="quantity"/> units back to a limited stock (an unlimited one stays unlimited).</summary>
    public static Task ReturnStockAsync(LedgerDbContext db, string sku, long quantity, CancellationToken ct) =>
        db.ShopItems.Where(i => i.Sku == sku && i.Stock != null)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.Stock, i => i.Stock + quantity), ct);
}
