using FuncLedger.Core.Commerce;
using FuncLedger.Core.Domain;
using FuncLedger.Functions.Contracts;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace FuncLedger.Functions.Http;

/// <summary>Promo codes: players and game services redeem and check codes (function key); operators keep campaigns and generate
/// single-use codes (master key).</summary>
public sealed class PromoFunctions(IPromos promos, LedgerHttp http)
{
    [Function(nameof(RedeemPromo))]
    public Task<IActionResult> RedeemPromo(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "wallets/{ownerId}/promo-redemptions")] HttpRequest request,
        string ownerId,
        CancellationToken cancellationToken) =>
        http.HandleAsync(request, async () =>
        {
            var owner = HttpInput.Owner(ownerId);
            var body = await HttpInput.ReadJsonAsync(request, FuncLedgerJson.Default.RedeemRequest, cancellationToken);
            HttpInput.Require(("code", body.Code is not null));
            var key = HttpInput.IdempotencyKey(request, body.IdempotencyKey)
                ?? throw HttpInput.Invalid("Idempotency-Key", "A redemption needs an idempotency key.");
            using var claim = http.ClaimKey(key);
            var result = await promos.RedeemAsync(new RedeemCommand(owner, body.Code!, IdempotencyKey.From(key)), cancellationToken);
            return HttpInput.Ok(RedemptionResponse.From(result), FuncLedgerJson.Default.RedemptionResponse, result.Replayed,
                StatusCodes.Status201Created);
        }, cancellationToken);

    [Function(nameof(CheckPromo))]
    public Task<IActionResult> CheckPromo(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "wallets/{ownerId}/promo-redemptions/check")] HttpRequest request,
        string ownerId,
        CancellationToken cancellationToken) =>
        http.HandleAsync(request, async () =>
        {
            var owner = HttpInput.Owner(ownerId);
            var code = HttpInput.QueryText(request, "code") ?? throw HttpInput.Invalid("code", "Give the code to check: ?code=");
            var check = await promos.CheckAsync(owner, code, cancellationToken);
            return HttpInput.Ok(PromoCheckResponse.From(check), FuncLedgerJson.Default.PromoCheckResponse);
        }, cancellationToken);

    [Function(nameof(CreatePromoCampaign))]
    public Task<IActionResult> CreatePromoCampaign(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = "ops/promo/campaigns")] HttpRequest request,
        CancellationToken cancellationToken) =>
        http.HandleAsync(request, async () =>
        {
            var body = await HttpInput.ReadJsonAsync(request, FuncLedgerJson.Default.CampaignRequest, cancellationToken);
            HttpInput.Require(("name", body.Name is not null));
            var items = body.Items?.Select(i => new PromoItem(Sku.From(i.Sku), i.Quantity)).ToList();
            var terms = CampaignTerms.Create(body.Name, body.Coins, items, HttpInput.Instant(body.StartsAt, "startsAt"),
                HttpInput.Instant(body.EndsAt, "endsAt"), body.MaxRedemptions, body.PerPlayerLimit, body.VanityCode);
            var campaign = await promos.CreateCampaignAsync(terms, cancellationToken);
            return HttpInput.Ok(CampaignResponse.From(campaign), FuncLedgerJson.Default.CampaignResponse, false,
                StatusCodes.Status201Created);
        }, cancellationToken);

    [Function(nameof(GetPromoCampaign))]
    public Task<IActionResult> GetPromoCampaign(
        [HttpTrigger(AuthorizationLevel.Admin, "get", Route = "ops/promo/campaigns/{campaignId}")] HttpRequest request,
        string campaignId,
        CancellationToken cancellationToken) =>
        http.HandleAsync(request, async () =>
        {
            var campaign = await promos.GetCampaignAsync(HttpInput.Id(campaignId, "campaignId"), cancellationToken);
            return HttpInput.Ok(CampaignResponse.From(campaign), FuncLedgerJson.Default.CampaignResponse);
        }, cancellationToken);

    [Function(nameof(ActivatePromoCampaign))]
    public Task<IActionResult> ActivatePromoCampaign(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = "ops/promo/campaigns/{campaignId}/activate")] HttpRequest request,
        string campaignId,
        CancellationToken cancellationToken) => SetActiveAsync(request, campaignId, true, cancellationToken);

    [Function(nameof(DeactivatePromoCampaign))]
    public Task<IActionResult> DeactivatePromoCampaign(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = "ops/promo/campaigns/{campaignId}/deactivate")] HttpRequest request,
        string campaignId,
        CancellationToken cancellationToken) => SetActiveAsync(request, campaignId, false, cancellationToken);

    [Function(nameof(GeneratePromoCodes))]
    public Task<IActionResult> GeneratePromoCodes(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = "ops/promo/campaigns/{campaignId}/codes")] HttpRequest request,
        string campaignId,
        CancellationToken cancellationToken) =>
        http.HandleAsync(request, async () =>
        {
            var id = HttpInput.Id(campaignId, "campaignId");
            var body = await HttpInput.ReadJsonAsync(request, FuncLedgerJson.Default.GenerateCodesRequest, cancellationToken);
            HttpInput.Require(("count", body.Count is not null));
            var codes = await promos.GenerateCodesAsync(id, body.Count!.Value, cancellationToken);
            return HttpInput.Ok(new GeneratedCodesResponse(codes.CampaignId, codes.Codes.Count, codes.Codes),
                FuncLedgerJson.Default.GeneratedCodesResponse, false, StatusCodes.Status201Created);
        }, cancellationToken);

    [Function(nameof(RevokePromoRedemption))]
    public Task<IActionResult> RevokePromoRedemption(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = "ops/promo-redemptions/{redemptionId}/revoke")] HttpRequest request,
        string redemptionId,
        CancellationToken cancellationToken) =>
        http.HandleAsync(request, async () =>
        {
            var id = HttpInput.Id(redemptionId, "redemptionId");
            var body = await HttpInput.ReadJsonAsync(request, FuncLedgerJson.Default.RevokeRequest, cancellationToken);
            HttpInput.Require(("reason", body.Reason is not null));
            var key = HttpInput.IdempotencyKey(request, body.IdempotencyKey)
                ?? throw HttpInput.Invalid("Idempotency-Key", "A revocation needs an idempotency key.");
            using var claim = http.ClaimKey(key);
            var command = RevokeCommand.Create(id, body.Reason, body.ReleaseSlot ?? false, IdempotencyKey.From(key),
                WalletAdminFunctions.ActorOf(request));
            var result = await promos.RevokeAsync(command, cancellationToken);
            return HttpInput.Ok(RevocationResponse.From(result), FuncLedgerJson.Default.RevocationResponse, result.Replayed);
        }, cancellationToken);

    [Function(nameof(GetPromoBudget))]
    public Task<IActionResult> GetPromoBudget(
        [HttpTrigger(AuthorizationLevel.Admin, "get", Route = "ops/promo/budget")] HttpRequest request,
        CancellationToken cancellationToken) =>
        http.HandleAsync(request, async () =>
            HttpInput.Ok(PromoBudgetResponse.From(await promos.GetBudgetAsync(cancellationToken)),
                FuncLedgerJson.Default.PromoBudgetResponse),
            cancellationToken);

    private Task<IActionResult> SetActiveAsync(HttpRequest request, string campaignId, bool active, CancellationToken cancellationToken) =>
        http.HandleAsync(request, async () =>
        {
            var campaign = await promos.SetCampaignActiveAsync(HttpInput.Id(campaignId, "campaignId"), active, cancellationToken);
            return HttpInput.Ok(CampaignResponse.From(campaign), FuncLedgerJson.Default.CampaignResponse);
        }, cancellationToken);
}
