using FuncLedger.Core.Commerce;
using FuncLedger.Core.Domain;
using FuncLedger.Functions.Contracts;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace FuncLedger.Functions.Http;

/// <summary>The coin shop for operators (master key): the catalog, refunds and the revenue.</summary>
public sealed class ShopAdminFunctions(IShop shop, LedgerHttp http)
{
    [Function(nameof(CreateShopItem))]
    public Task<IActionResult> CreateShopItem(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = "ops/shop/items")] HttpRequest request,
        CancellationToken cancellationToken) =>
        http.HandleAsync(request, async () =>
        {
            var body = await HttpInput.ReadJsonAsync(request, FuncLedgerJson.Default.ShopItemRequest, cancellationToken);
            HttpInput.Require(("sku", body.Sku is not null), ("title", body.Title is not null), ("price", body.Price is not null));
            var item = await shop.CreateItemAsync(Sku.From(body.Sku), Terms(body), cancellationToken);
            return HttpInput.Ok(ShopItemResponse.From(item), FuncLedgerJson.Default.ShopItemResponse, item.Replayed,
                item.Replayed ? StatusCodes.Status200OK : StatusCodes.Status201Created);
        }, cancellationToken);

    [Function(nameof(UpdateShopItem))]
    public Task<IActionResult> UpdateShopItem(
        [HttpTrigger(AuthorizationLevel.Admin, "put", Route = "ops/shop/items/{sku}")] HttpRequest request,
        string sku,
        CancellationToken cancellationToken) =>
        http.HandleAsync(request, async () =>
        {
            var checkedSku = Sku.From(sku);
            var body = await HttpInput.ReadJsonAsync(request, FuncLedgerJson.Default.ShopItemRequest, cancellationToken);
            HttpInput.Require(("title", body.Title is not null), ("price", body.Price is not null));
            if (body.Sku is not null && body.Sku != checkedSku.Value)
            {
                throw HttpInput.Invalid("sku", "The body's sku differs from the path's; a sku never changes.");
            }

            var item = await shop.UpdateItemAsync(checkedSku, Terms(body), cancellationToken);
            return HttpInput.Ok(ShopItemResponse.From(item), FuncLedgerJson.Default.ShopItemResponse);
        }, cancellationToken);

    [Function(nameof(DeactivateShopItem))]
    public Task<IActionResult> DeactivateShopItem(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = "ops/shop/items/{sku}/deactivate")] HttpRequest request,
        string sku,
        CancellationToken cancellationToken) =>
        http.HandleAsync(request, async () =>
        {
            var item = await shop.DeactivateItemAsync(Sku.From(sku), cancellationToken);
            return HttpInput.Ok(ShopItemResponse.From(item), FuncLedgerJson.Default.ShopItemResponse);
        }, cancellationToken);

    [Function(nameof(ListAllShopItems))]
    public Task<IActionResult> ListAllShopItems(
        [HttpTrigger(AuthorizationLevel.Admin, "get", Route = "ops/shop/items")] HttpRequest request,
        CancellationToken cancellationToken) =>
        http.HandleAsync(request, async () =>
        {
            var page = await shop.ListItemsAsync(ShopFunctions.Page(request), all: true, cancellationToken);
            return HttpInput.Ok(ShopItemsResponse.From(page), FuncLedgerJson.Default.ShopItemsResponse);
        }, cancellationToken);

    [Function(nameof(RefundPurchase))]
    public Task<IActionResult> RefundPurchase(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = "ops/purchases/{purchaseId}/refund")] HttpRequest request,
        string purchaseId,
        CancellationToken cancellationToken) =>
        http.HandleAsync(request, async () =>
        {
            var id = HttpInput.Id(purchaseId, "purchaseId");
            var body = await HttpInput.ReadJsonAsync(request, FuncLedgerJson.Default.RefundRequest, cancellationToken);
            HttpInput.Require(("reason", body.Reason is not null));
            var key = HttpInput.IdempotencyKey(request, body.IdempotencyKey)
                ?? throw HttpInput.Invalid("Idempotency-Key", "A refund needs an idempotency key.");
            using var claim = http.ClaimKey(key);
            var command = RefundCommand.Create(id, body.Reason, body.Quantity, body.Force ?? false, IdempotencyKey.From(key),
                WalletAdminFunctions.ActorOf(request));
            var result = await shop.RefundAsync(command, cancellationToken);
            return HttpInput.Ok(RefundResponse.From(result), FuncLedgerJson.Default.RefundResponse, result.Replayed);
        }, cancellationToken);

    [Function(nameof(GetShopRevenue))]
    public Task<IActionResult> GetShopRevenue(
        [HttpTrigger(AuthorizationLevel.Admin, "get", Route = "ops/shop/revenue")] HttpRequest request,
        CancellationToken cancellationToken) =>
        http.HandleAsync(request, async () =>
            HttpInput.Ok(RevenueResponse.From(await shop.GetRevenueAsync(cancellationToken)), FuncLedgerJson.Default.RevenueResponse),
            cancellationToken);

    private static ItemTerms Terms(ShopItemRequest body) =>
        ItemTerms.Create(body.Title, Coins.From(body.Price!.Value), body.Stock, body.PerPlayerLimit,
            HttpInput.Instant(body.StartsAt, "startsAt"), HttpInput.Instant(body.EndsAt, "endsAt"), HttpInput.Meta(body.Meta));
}
