using FuncLedger.Core.Commerce;
using FuncLedger.Core.Domain;
using FuncLedger.Core.Tests.Infrastructure;

namespace FuncLedger.Core.Tests.Shop;

/// <summary>What the shop's tests share: the shop of the harness and short ways to create items, buy and refund.</summary>
public abstract class ShopTestBase(ILedgerDatabase database) : LedgerTestBase(database)
{
    protected IShop Shop => Db.Shop;

    protected Task<ShopItem> ItemAsync(string sku, long price, long? stock = null, int? limit = null, string? title = null,
        DateTimeOffset? startsAt = null, DateTimeOffset? endsAt = null) =>
        Shop.CreateItemAsync(Sku.From(sku), Terms(title ?? sku, price, stock, limit, startsAt, endsAt));

    protected static ItemTerms Terms(string title, long price, long? stock = null, int? limit = null, DateTimeOffset? startsAt = null,
        DateTimeOffset? endsAt = null) =>
        ItemTerms.Create(title, Coins.From(price), stock, limit, startsAt, endsAt, null);

    protected Task<PurchaseResult> BuyAsync(long owner, string sku, int quantity, long price, string key) =>
        Shop.PurchaseAsync(PurchaseCommand.Create(OwnerId.From(owner), Sku.From(sku), quantity, Coins.From(price),
            IdempotencyKey.From(key)));

    protected Task<RefundResult> RefundAsync(long purchaseId, string key, int? quantity = null, bool force = false) =>
        Shop.RefundAsync(RefundCommand.Create(purchaseId, "customer support", quantity, force, IdempotencyKey.From(key), "ops"));

    protected async Task<long> HeldAsync(long owner, string sku) =>
        (await Shop.GetInventoryAsync(OwnerId.From(owner))).SingleOrDefault(l => l.Sku == sku)?.Quantity ?? 0;

    protected async Task<long?> StockAsync(string sku) => (await Shop.GetItemAsync(Sku.From(sku))).Stock;

    /// <summary>Everything a refused operation must leave as it was: entries, balances, purchases, inventory, stock.</summary>
    protected async Task<string> ShopSnapshotAsync() =>
        await Db.SnapshotAsync() + "|" + await Db.ScalarAsync("SELECT COUNT(*) FROM shop_purchases") + "|"
        + await Db.ScalarAsync("SELECT COALESCE(SUM(quantity), 0) FROM shop_inventory") + "|"
        + await Db.ScalarAsync("SELECT COALESCE(SUM(stock), 0) FROM shop_items") + "|"
        + await Db.ScalarAsync("SELECT COALESCE(SUM(refunded_quantity), 0) FROM shop_purchases");
}
