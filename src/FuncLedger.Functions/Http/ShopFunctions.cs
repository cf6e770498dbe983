using FuncLedger.Core.Commerce;
using FuncLedger.Core.Domain;
using FuncLedger.Functions.Contracts;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace FuncLedger.Functions.Http;

/// <summary>The coin shop for players and game services (function key): what is on sale, buying, and a player's purchases and
/// inventory.</summary>
public sealed class ShopFunctions(IShop shop, LedgerHttp http)
{
    [Function(nameof(ListShopItems))]
    public Task<IActionResult> ListShopItems(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "shop/items")] HttpRequest request,
        CancellationToken cancellationToken) =>
        http.HandleAsync(request, async () =>
        {
            var page = await shop.ListItemsAsync(Page(request), all: false, cancellationToken);
            return HttpInput.Ok(ShopItemsResponse.From(page), FuncLedgerJson.Default.ShopItemsResponse);
        }, cancellationToken);

    [Function(nameof(GetShopItem))]
    public Task<IActionResult> GetShopItem(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "shop/items/{sku}")] HttpRequest request,
        string sku,
        CancellationToken cancellationToken) =>
        http.HandleAsync(request, async () =>
        {
            var item = await shop.GetItemAsync(Sku.From(sku), cancellationToken);
            return HttpInput.Ok(ShopItemResponse.From(item), FuncLedgerJson.Default.ShopItemResponse);
        }, cancellationToken);

    [Function(nameof(Purchase))]
    public Task<IActionResult> Purchase(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "wallets/{ownerId}/purchases")] HttpRequest request,
        string ownerId,
        CancellationToken cancellationToken) =>
        http.HandleAsync(request, async () =>
        {
            var owner = HttpInput.Owner(ownerId);
            var body = await HttpInput.ReadJsonAsync(request, FuncLedgerJson.Default.PurchaseRequest, cancellationToken);
            HttpInput.Require(("sku", body.Sku is not null), ("quantity", body.Quantity is not null),
                ("expectedPrice", body.ExpectedPrice is not null));
            var key = HttpInput.IdempotencyKey(request, body.IdempotencyKey)
                ?? throw HttpInput.Invalid("Idempotency-Key", "A purchase needs an idempotency key.");
            using var claim = http.ClaimKey(key);
            var command = PurchaseCommand.Create(owner, Sku.From(body.Sku), body.Quantity!.Value, Coins.From(body.ExpectedPrice!.Value),
                IdempotencyKey.From(key));
            var result = await shop.PurchaseAsync(command, cancellationToken);
            return HttpInput.Ok(PurchaseResponse.From(result), FuncLedgerJson.Default.PurchaseResponse, result.Replayed,
                StatusCodes.Status201Created);
        }, cancellationToken);

    [Function(nameof(ListPurchases))]
    public Task<IActionResult> ListPurchases(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "wallets/{ownerId}/purchases")] HttpRequest request,
        string ownerId,
        CancellationToken cancellationToken) =>
        http.HandleAsync(request, async () =>
        {
            var owner = HttpInput.Owner(ownerId);
            var page = await shop.GetPurchasesAsync(owner, Page(request), cancellationToken);
            var response = new PurchasesResponse(owner.Value, [.. page.Purchases.Select(PurchaseResponse.From)], page.Next);
            return HttpInput.Ok(response, FuncLedgerJson.Default.PurchasesResponse);
        }, cancellationToken);

    [Function(nameof(GetInventory))]
    public Task<IActionResult> GetInventory(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "wallets/{ownerId}/inventory")] HttpRequest request,
        string ownerId,
        CancellationToken cancellationToken) =>
        http.HandleAsync(request, async () =>
        {
            var owner = HttpInput.Owner(ownerId);
            var lines = await shop.GetInventoryAsync(owner, cancellationToken);
            var response = new InventoryResponse(owner.Value,
                [.. lines.Select(l => new InventoryLineResponse(l.Sku, l.Title, l.Quantity))]);
            return HttpInput.Ok(response, FuncLedgerJson.Default.InventoryResponse);
        }, cancellationToken);

    [Function(nameof(ConsumeItems))]
    public Task<IActionResult> ConsumeItems(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "wallets/{ownerId}/inventory/{sku}/consume")] HttpRequest request,
        string ownerId,
        string sku,
        CancellationToken cancellationToken) =>
        http.HandleAsync(request, async () =>
        {
            var owner = HttpInput.Owner(ownerId);
            var body = await HttpInput.ReadJsonAsync(request, FuncLedgerJson.Default.ConsumeRequest, cancellationToken);
            HttpInput.Require(("quantity", body.Quantity is not null));
            var key = HttpInput.IdempotencyKey(request, body.IdempotencyKey)
                ?? throw HttpInput.Invalid("Idempotency-Key", "Using items needs an idempotency key.");
            using var claim = http.ClaimKey(key);
            var command = ConsumeCommand.Create(owner, Sku.From(sku), body.Quantity!.Value, IdempotencyKey.From(key));
            var result = await shop.ConsumeAsync(command, cancellationToken);
            return HttpInput.Ok(ConsumptionResponse.From(result), FuncLedgerJson.Default.ConsumptionResponse, result.Replayed);
        }, cancellationToken);

    /// <summary>The page asked for by <c>limit</c> and <c>cursor</c>.</summary>
    public static ShopPage Page(HttpRequest request) =>
        ShopPage.Create(HttpInput.QueryInt(request, "limit"), HttpInput.QueryText(request, "cursor"));
}
