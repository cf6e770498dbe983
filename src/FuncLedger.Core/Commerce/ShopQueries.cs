using FuncLedger.Core.Domain;
using FuncLedger.Core.Operations;
using FuncLedger.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace FuncLedger.Core.Commerce;

/// <summary>The shop's reads: a player's purchases (newest first, by cursor) and inventory, and the shop's revenue.</summary>
internal sealed class ShopQueries(LedgerWrites writes)
{
    public async Task<PurchasePage> GetPurchasesAsync(OwnerId owner, ShopPage page, CancellationToken cancellationToken)
    {
        var before = page.Cursor is null ? long.MaxValue : ShopCursor.DecodeId(page.Cursor);
        var rows = await writes.RunAsync((db, ct) =>
            // By the owner's wallet: its purchases' index (wallet, id) also serves the wallet's foreign key.
            (from w in db.Wallets
             where w.OwnerId == owner.Value
             join p in db.Purchases.AsNoTracking() on w.Id equals p.WalletId
             join e in db.LedgerEntries on p.EntryId equals e.Id
             where p.Id < before
             orderby p.Id descending
             select new { Purchase = p, e.BalanceAfter }).Take(page.Limit + 1).ToListAsync(ct), cancellationToken);
        var shown = rows.Take(page.Limit).Select(r => Describe(r.Purchase, r.BalanceAfter)).ToList();
        return new PurchasePage(shown, rows.Count > page.Limit ? ShopCursor.Encode(shown[^1].PurchaseId.ToString(
            System.Globalization.CultureInfo.InvariantCulture)) : null);
    }

    /// <summary>What the owner holds (lines with units left), in sku order, with each item's title.</summary>
    public Task<IReadOnlyList<InventoryLine>> GetInventoryAsync(OwnerId owner, CancellationToken cancellationToken) =>
        writes.RunAsync<IReadOnlyList<InventoryLine>>(async (db, ct) => await
            (from i in db.Inventory.AsNoTracking()
             join item in db.ShopItems on i.Sku equals item.Sku
             where i.OwnerId == owner.Value && i.Quantity > 0
             orderby i.Sku
             select new InventoryLine(i.Sku, item.Title, i.Quantity)).ToListAsync(ct), cancellationToken).AsTask();

    /// <summary>The revenue from the purchases and refunds, and the same net from the entries they wrote (set-based).</summary>
    public Task<ShopRevenue> GetRevenueAsync(CancellationToken cancellationToken) =>
        writes.RunAsync(async (db, ct) =>
        {
            var purchases = await db.Purchases.CountAsync(ct);
            var units = await db.Purchases.SumAsync(p => (long)(p.Quantity - p.RefundedQuantity), ct);
            var gross = await db.Purchases.SumAsync(p => p.Total, ct);
            var refunded = await db.Refunds.SumAsync(r => r.Coins, ct);
            var debited = await db.LedgerEntries.Where(e => db.Purchases.Any(p => p.EntryId == e.Id)).SumAsync(e => e.Amount, ct);
            var credited = await db.LedgerEntries.Where(e => db.Refunds.Any(r => r.EntryId == e.Id)).SumAsync(e => e.Amount, ct);
            // Set-based, in one statement: each inventory line against the units its owner bought of the item, less those
            // refunds took back and those the player used, plus those promo codes granted and their revocations left.
            var inventoryDrift = await db.Inventory.CountAsync(i =>
                db.Purchases.Where(p => p.OwnerId == i.OwnerId && p.Sku == i.Sku).Sum(p => (long)p.Quantity)
                - db.Refunds.Join(db.Purchases, r => r.PurchaseId, p => p.Id,
                        (r, p) => new { p.OwnerId, p.Sku, Units = r.Taken ?? r.Quantity })
                    .Where(r => r.OwnerId == i.OwnerId && r.Sku == i.Sku).Sum(r => (long)r.Units)
                - db.Consumptions.Where(c => c.OwnerId == i.OwnerId && c.Sku == i.Sku).Sum(c => (long)c.Quantity)
                + db.PromoGrants.Where(g => g.OwnerId == i.OwnerId && g.Sku == i.Sku).Sum(g => (long)(g.Quantity - (g.Taken ?? 0)))
                != i.Quantity, ct);
            var checkoutDrift = await db.Checkouts.Join(db.Holds, c => c.HoldId, h => h.Id, (c, h) => new { c.Status, Hold = h.Status })
                .CountAsync(x => (x.Status == CheckoutStatus.Pending) != (x.Hold == HoldStatus.Pending)
                    && !(x.Status == CheckoutStatus.Pending && x.Hold == HoldStatus.Expired)
                    && !(x.Status == CheckoutStatus.Expired && x.Hold == HoldStatus.Pending), ct);
            return new ShopRevenue(purchases, units, gross, refunded, checked(gross - refunded), checked(-debited - credited),
                inventoryDrift, checkoutDrift);
        }, cancellationToken).AsTask();

    /// <summary>The purchase made under <paramref name="key"/>: found through its entry, which carries the same key (the entries'
    /// unique key index; the purchases keep no index of their own on it).</summary>
    public static async Task<PurchaseResult?> PurchaseByKeyAsync(LedgerDbContext db, string key, CancellationToken ct)
    {
        var found = await (from e in db.LedgerEntries
                           where e.IdempotencyKey == key
                           join p in db.Purchases.AsNoTracking() on e.Id equals p.EntryId
                           select new { Purchase = p, e.BalanceAfter }).SingleOrDefaultAsync(ct);
        return found is null ? null : Describe(found.Purchase, found.BalanceAfter);
    }

    public static PurchaseResult Describe(PurchaseRow p, long balanceAfter) => new(p.Id, p.OwnerId, p.Sku, p.Title, p.Quantity, p.Price,
        p.Total, p.RefundedQuantity, p.EntryId, balanceAfter, p.IdempotencyKey, new DateTimeOffset(p.CreatedAt, TimeSpan.Zero));
}
