using FuncLedger.Core.Commerce;
using FuncLedger.Core.Domain;
using FuncLedger.Functions.Contracts;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace FuncLedger.Functions.Http;

/// <summary>Checkouts (a cart paid in two phases): open one (a hold and the stock reserved), then confirm (every line bought at
/// once) or cancel it.</summary>
public sealed class CheckoutFunctions(IShop shop, LedgerHttp http)
{
    [Function(nameof(OpenCheckout))]
    public Task<IActionResult> OpenCheckout(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "wallets/{ownerId}/checkouts")] HttpRequest request,
        string ownerId,
        CancellationToken cancellationToken) =>
        http.HandleAsync(request, async () =>
        {
            var owner = HttpInput.Owner(ownerId);
            var body = await HttpInput.ReadJsonAsync(request, FuncLedgerJson.Default.CheckoutRequest, cancellationToken);
            HttpInput.Require(("items", body.Items is not null));
            var key = HttpInput.IdempotencyKey(request, body.IdempotencyKey)
                ?? throw HttpInput.Invalid("Idempotency-Key", "A checkout needs an idempotency key.");
            using var claim = http.ClaimKey(key);
            var lines = body.Items!.Select(l => l is { Sku: not null, Quantity: { } q, ExpectedPrice: { } p }
                ? new CheckoutLine(Sku.From(l.Sku, "items"), q, Coins.From(p))
                : throw HttpInput.Invalid("items", "Each item has a sku, a quantity and an expectedPrice.")).ToList();
            var command = CheckoutCommand.Create(owner, lines, HttpInput.Instant(body.ExpiresAt, "expiresAt"), IdempotencyKey.From(key));
            var result = await shop.CheckoutAsync(command, cancellationToken);
            return HttpInput.Ok(CheckoutResponse.From(result), FuncLedgerJson.Default.CheckoutResponse, result.Replayed,
                StatusCodes.Status201Created);
        }, cancellationToken);

    [Function(nameof(ConfirmCheckout))]
    public Task<IActionResult> ConfirmCheckout(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "checkouts/{checkoutId}/confirm")] HttpRequest request,
        string checkoutId,
        CancellationToken cancellationToken) =>
        http.HandleAsync(request, async () =>
        {
            var id = HttpInput.Id(checkoutId, "checkoutId");
            var key = HttpInput.IdempotencyKey(request, null);
            using var claim = http.ClaimKey(key);
            var result = await shop.ConfirmCheckoutAsync(id, IdempotencyKey.Parse(key), cancellationToken);
            return HttpInput.Ok(CheckoutResponse.From(result), FuncLedgerJson.Default.CheckoutResponse, result.Replayed);
        }, cancellationToken);

    [Function(nameof(CancelCheckout))]
    public Task<IActionResult> CancelCheckout(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "checkouts/{checkoutId}/cancel")] HttpRequest request,
        string checkoutId,
        CancellationToken cancellationToken) =>
        http.HandleAsync(request, async () =>
        {
            var id = HttpInput.Id(checkoutId, "checkoutId");
            var key = HttpInput.IdempotencyKey(request, null);
            using var claim = http.ClaimKey(key);
            var result = await shop.CancelCheckoutAsync(id, IdempotencyKey.Parse(key), cancellationToken);
            return HttpInput.Ok(CheckoutResponse.From(result), FuncLedgerJson.Default.CheckoutResponse, result.Replayed);
        }, cancellationToken);

    [Function(nameof(GetCheckout))]
    public Task<IActionResult> GetCheckout(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "checkouts/{checkoutId}")] HttpRequest request,
        string checkoutId,
        CancellationToken cancellationToken) =>
        http.HandleAsync(request, async () =>
        {
            var result = await shop.GetCheckoutAsync(HttpInput.Id(checkoutId, "checkoutId"), cancellationToken);
            return HttpInput.Ok(CheckoutResponse.From(result), FuncLedgerJson.Default.CheckoutResponse);
        }, cancellationToken);
}
