using FuncLedger.Core.Operations;
using FuncLedger.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace FuncLedger.Core.Commerce;

/// <summary>The catalog: operators create, replace and deactivate items; players list what is on sale. Creating an item that
/// exists with the same terms answers it (a retried create writes nothing); with other terms it is <see cref="SkuExistsException"/>.
/// </summary>
internal sealed class ShopCatalog(LedgerWrites writes)
{
    public async Task<ShopItem> CreateAsync(Sku sku, ItemTerms terms, CancellationToken cancellationToken)
    {
        var now = writes.Now;
        try
        {
            return await writes.RunAsync((db, ct) => CreateInAsync(db, sku.Value, terms, now, ct), cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Two creates of one sku raced and the other inserted first: its row answers this one (the same terms) or refuses it.
            return await writes.RunAsync((db, ct) => CreateInAsync(db, sku.Value, terms, now, ct), cancellationToken);
        }
    }

    private static async Task<ShopItem> CreateInAsync(LedgerDbContext db, string sku, ItemTerms terms, DateTime now, CancellationToken ct)
    {
        if (await db.ShopItems.AsNoTracking().SingleOrDefaultAsync(i => i.Sku == sku, ct) is { } existing)
        {
            var same = new ShopItemRow { Sku = sku, Active = existing.Active, Stock = existing.Stock };
            Apply(same, terms, now);
            return SameTerms(existing, same)
                ? Describe(existing, now) with { Replayed = true }
                : throw new SkuExistsException(sku);
        }

        var row = new ShopItemRow { Sku = sku, Active = true, CreatedAt = now };
        Apply(row, terms, now);
        db.ShopItems.Add(row);
        await db.SaveChangesAsync(ct);
        return Describe(row, now);
    }

    /// <summary>Replaces an item's terms (title, price, stock left, limit, window, meta); past purchases keep the price paid.</summary>
    public async Task<ShopItem> UpdateAsync(Sku sku, ItemTerms terms, CancellationToken cancellationToken)
    {
        var now = writes.Now;
        return await writes.RunAsync(async (db, ct) =>
        {
            var row = await db.ShopItems.AsTracking().SingleOrDefaultAsync(i => i.Sku == sku.Value, ct)
                ?? throw new ItemNotFoundException(sku.Value);
            Apply(row, terms, now);
            await db.SaveChangesAsync(ct);
            return Describe(row, now);
        }, cancellationToken);
    }

    /// <summary>Takes an item off sale (again: nothing changes); its purchases, refunds and inventory stay.</summary>
    public async Task<ShopItem> DeactivateAsync(Sku sku, CancellationToken cancellationToken)
    {
        var now = writes.Now;
        return await writes.RunAsync(async (db, ct) =>
        {
            var row = await db.ShopItems.AsTracking().SingleOrDefaultAsync(i => i.Sku == sku.Value, ct)
                ?? throw new ItemNotFoundException(sku.Value);
            if (row.Active)
            {
                row.Active = false;
                row.UpdatedAt = now;
                await db.SaveChangesAsync(ct);
            }

            return Describe(row, now);
        }, cancellationToken);
    }

    public async Task<ShopItem> GetAsync(Sku sku, CancellationToken cancellationToken)
    {
        var now = writes.Now;
        var row = await writes.RunAsync((db, ct) => db.ShopItems.AsNoTracking().SingleOrDefaultAsync(i => i.Sku == sku.Value, ct),
            cancellationToken);
        return row is null ? throw new ItemNotFoundException(sku.Value) : Describe(row, now);
    }

    /// <summary>Items on sale now (active, within their window), in sku order, by cursor (the last sku of the page before);
    /// <paramref name="all"/> lists every item (operators).</summary>
    public async Task<ShopItemPage> ListAsync(ShopPage page, bool all, CancellationToken cancellationToken)
    {
        var now = writes.Now;
        var after = page.Cursor is null ? null : Sku.From(ShopCursor.Decode(page.Cursor), "cursor").Value;
        var rows = await writes.RunAsync((db, ct) =>
        {
            var items = db.ShopItems.AsNoTracking();
            if (!all)
            {
                items = items.Where(i => i.Active && (i.StartsAt == null || i.StartsAt <= now) && (i.EndsAt == null || i.EndsAt > now));
            }

            if (after is not null)
            {
                items = items.Where(i => string.Compare(i.Sku, after) > 0);
            }

            return items.OrderBy(i => i.Sku).Take(page.Limit + 1).ToListAsync(ct);
        }, cancellationToken);
        var more = rows.Count > page.Limit;
        var shown = rows.Take(page.Limit).Select(r => Describe(r, now)).ToList();
        return new ShopItemPage(shown, more ? ShopCursor.Encode(shown[^1].Sku) : null);
    }

    private static void Apply(ShopItemRow row, ItemTerms terms, DateTime now)
    {
        row.Title = terms.Title;
        row.Price = terms.Price.Value;
        row.Stock = terms.Stock;
        row.PerPlayerLimit = terms.PerPlayerLimit;
        row.StartsAt = terms.StartsAt?.UtcDateTime;
        row.EndsAt = terms.EndsAt?.UtcDateTime;
        row.Meta = terms.Meta;
        row.UpdatedAt = now;
    }

    private static bool SameTerms(ShopItemRow a, ShopItemRow b) =>
        (a.Title, a.Price, a.Stock, a.PerPlayerLimit, a.StartsAt, a.EndsAt, a.Meta)
        == (b.Title, b.Price, b.Stock, b.PerPlayerLimit, b.StartsAt, b.EndsAt, b.Meta);

    /// <summary>An item against a buyer's terms: on sale at <paramref name="now"/>, at <paramref name="expectedPrice"/>, with
    /// <paramref name="quantity"/> units in stock (a purchase's, a checkout line's).</summary>
    public static void CheckTerms(ShopItemRow item, long expectedPrice, int quantity, DateTime now)
    {
        if (!OnSale(item, now))
        {
            throw new ItemUnavailableException(item.Sku);
        }

        if (item.Price != expectedPrice)
        {
            throw new PriceChangedException(item.Sku, item.Price);
        }

        if (item.Stock is { } stock && stock < quantity)
        {
            throw new OutOfStockException(item.Sku, stock);
        }
    }

    /// <summary>A stamp to the microsecond, as every provider keeps it: a first answer and its replay read the same instant.
    /// </summary>
    public static DateTime Microseconds(DateTime at) => new(at.Ticks - (at.Ticks % 10), DateTimeKind.Utc);

    /// <summary>Whether the item is on sale at <paramref name="now"/> (stock aside).</summary>
    public static bool OnSale(ShopItemRow row, DateTime now) =>
        row.Active && (row.StartsAt is null || row.StartsAt <= now) && (row.EndsAt is null || row.EndsAt > now);

    public static ShopItem Describe(ShopItemRow row, DateTime now) => new(row.Sku, row.Title, row.Price, row.Stock, row.PerPlayerLimit,
        Utc(row.StartsAt), Utc(row.EndsAt), row.Active, OnSale(row, now) && row.Stock is null or > 0, row.Meta,
        new DateTimeOffset(row.CreatedAt, TimeSpan.Zero), new DateTimeOffset(row.UpdatedAt, TimeSpan.Zero),
        new DateTimeOffset(now, TimeSpan.Zero));

    private static DateTimeOffset? Utc(DateTime? at) => at is { } t ? new DateTimeOffset(t, TimeSpan.Zero) : null;
}
