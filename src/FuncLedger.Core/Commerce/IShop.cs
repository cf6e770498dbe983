using FuncLedger.Core.Diagnostics;
using FuncLedger.Core.Domain;

namespace FuncLedger.Core.Commerce;

/// <summary>
/// The coin shop on the ledger: a catalog, purchases that debit the buyer and grant the item in one transaction, a player's
/// inventory and purchases, operators' refunds and the revenue. Refusals are typed <see cref="LedgerException"/>s with the codes
/// of <see cref="ShopErrorCodes"/> (and the ledger's own: insufficient funds, wallet frozen, idempotency conflict).
/// </summary>
public interface IShop
{
    /// <summary>Adds an item (on sale at once, within its window); the same item again answers it, other terms are refused.</summary>
    Task<ShopItem> CreateItemAsync(Sku sku, ItemTerms terms, CancellationToken cancellationToken = default);

    /// <summary>Replaces an item's terms; past purchases keep the price they paid.</summary>
    Task<ShopItem> UpdateItemAsync(Sku sku, ItemTerms terms, CancellationToken cancellationToken = default);

    /// <summary>Takes an item off sale.</summary>
    Task<ShopItem> DeactivateItemAsync(Sku sku, CancellationToken cancellationToken = default);

    Task<ShopItem> GetItemAsync(Sku sku, CancellationToken cancellationToken = default);

    /// <summary>Items on sale now in sku order (or every item with <paramref name="all"/>), by cursor.</summary>
    Task<ShopItemPage> ListItemsAsync(ShopPage page, bool all = false, CancellationToken cancellationToken = default);

    /// <summary>Buys: the debit, the purchase row, the inventory grant and the stock, all or none; a retry under the key answers
    /// the original purchase.</summary>
    Task<PurchaseResult> PurchaseAsync(PurchaseCommand command, CancellationToken cancellationToken = default);

    /// <summary>The owner's purchases, newest first, by cursor.</summary>
    Task<PurchasePage> GetPurchasesAsync(OwnerId owner, ShopPage page, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<InventoryLine>> GetInventoryAsync(OwnerId owner, CancellationToken cancellationToken = default);

    /// <summary>An operator's refund: coins back, units out of the inventory and back in stock, all or none.</summary>
    Task<RefundResult> RefundAsync(RefundCommand command, CancellationToken cancellationToken = default);

    Task<ShopRevenue> GetRevenueAsync(CancellationToken cancellationToken = default);

    /// <summary>A player uses units it holds (a game consumed them): out of the inventory under the owner's lock, no coins
    /// moved; a retry under the key answers the first use.</summary>
    Task<ConsumeResult> ConsumeAsync(ConsumeCommand command, CancellationToken cancellationToken = default);

    /// <summary>Opens a checkout: one hold for the total and every line's stock reserved, all or none; a retry under the key
    /// answers it.</summary>
    Task<CheckoutResult> CheckoutAsync(CheckoutCommand command, CancellationToken cancellationToken = default);

    /// <summary>Confirms a pending checkout: its hold captured and every line bought at once. Exactly one of two racing closes
    /// wins; a retry under the winner's key answers it.</summary>
    Task<CheckoutResult> ConfirmCheckoutAsync(long checkoutId, IdempotencyKey? key = null, CancellationToken cancellationToken = default);

    /// <summary>Cancels a pending checkout: its hold voided and its stock returned.</summary>
    Task<CheckoutResult> CancelCheckoutAsync(long checkoutId, IdempotencyKey? key = null, CancellationToken cancellationToken = default);

    /// <summary>A checkout as it stands (one past its expiry is expired here, its stock returned).</summary>
    Task<CheckoutResult> GetCheckoutAsync(long checkoutId, CancellationToken cancellationToken = default);

    /// <summary>Expires every pending checkout past its expiry and returns its stock (the expiry timer); how many.</summary>
    Task<int> ReleaseExpiredCheckoutsAsync(CancellationToken cancellationToken = default);
}

/// <summary>The shop as the hosts see it: every write measured (<c>funcledger.operations</c> by outcome: ok, replayed, or the
/// refusal's code), one service per concern behind it.</summary>
internal sealed class Shop(ShopCatalog catalog, ShopPurchases purchases, ShopRefunds refunds, ShopQueries queries,
    ShopCheckouts checkouts, CheckoutClosing closing, ShopConsumptions consumptions) : IShop
{
    public Task<ConsumeResult> ConsumeAsync(ConsumeCommand command, CancellationToken cancellationToken = default) =>
        LedgerTelemetry.MeasureAsync("consume", () => consumptions.ConsumeAsync(command, cancellationToken), r => r.Replayed);

    public Task<CheckoutResult> CheckoutAsync(CheckoutCommand command, CancellationToken cancellationToken = default) =>
        LedgerTelemetry.MeasureAsync("checkout", () => checkouts.CreateAsync(command, cancellationToken), r => r.Replayed);

    public Task<CheckoutResult> ConfirmCheckoutAsync(long checkoutId, IdempotencyKey? key = null,
        CancellationToken cancellationToken = default) =>
        LedgerTelemetry.MeasureAsync("checkout_confirm", () => closing.ConfirmAsync(checkoutId, key, cancellationToken), r => r.Replayed);

    public Task<CheckoutResult> CancelCheckoutAsync(long checkoutId, IdempotencyKey? key = null,
        CancellationToken cancellationToken = default) =>
        LedgerTelemetry.MeasureAsync("checkout_cancel", () => closing.CancelAsync(checkoutId, key, cancellationToken), r => r.Replayed);

    public Task<CheckoutResult> GetCheckoutAsync(long checkoutId, CancellationToken cancellationToken = default) =>
        checkouts.GetAsync(checkoutId, cancellationToken);

    public Task<int> ReleaseExpiredCheckoutsAsync(CancellationToken cancellationToken = default) =>
        LedgerTelemetry.MeasureAsync("checkout_expiry", () => checkouts.ReleaseExpiredAsync(cancellationToken), _ => false);

    public Task<ShopItem> CreateItemAsync(Sku sku, ItemTerms terms, CancellationToken cancellationToken = default) =>
        LedgerTelemetry.MeasureAsync("shop_item_create", () => catalog.CreateAsync(sku, terms, cancellationToken),
            r => r.Replayed);

    public Task<ShopItem> UpdateItemAsync(Sku sku, ItemTerms terms, CancellationToken cancellationToken = default) =>
        LedgerTelemetry.MeasureAsync("shop_item_update", () => catalog.UpdateAsync(sku, terms, cancellationToken),
            _ => false);

    public Task<ShopItem> DeactivateItemAsync(Sku sku, CancellationToken cancellationToken = default) =>
        LedgerTelemetry.MeasureAsync("shop_item_deactivate", () => catalog.DeactivateAsync(sku, cancellationToken),
            _ => false);

    public Task<ShopItem> GetItemAsync(Sku sku, CancellationToken cancellationToken = default) =>
        catalog.GetAsync(sku, cancellationToken);

    public Task<ShopItemPage> ListItemsAsync(ShopPage page, bool all = false, CancellationToken cancellationToken = default) =>
        catalog.ListAsync(page ?? new ShopPage(), all, cancellationToken);

    public Task<PurchaseResult> PurchaseAsync(PurchaseCommand command, CancellationToken cancellationToken = default) =>
        LedgerTelemetry.MeasureAsync("purchase", () => purchases.PurchaseAsync(command, cancellationToken), r => r.Replayed);

    public Task<PurchasePage> GetPurchasesAsync(OwnerId owner, ShopPage page, CancellationToken cancellationToken = default) =>
        queries.GetPurchasesAsync(owner, page ?? new ShopPage(), cancellationToken);

    public Task<IReadOnlyList<InventoryLine>> GetInventoryAsync(OwnerId owner, CancellationToken cancellationToken = default) =>
        queries.GetInventoryAsync(owner, cancellationToken);

    public Task<RefundResult> RefundAsync(RefundCommand command, CancellationToken cancellationToken = default) =>
        LedgerTelemetry.MeasureAsync("refund", () => refunds.RefundAsync(command, cancellationToken), r => r.Replayed);

    public Task<ShopRevenue> GetRevenueAsync(CancellationToken cancellationToken = default) => queries.GetRevenueAsync(cancellationToken);
}
