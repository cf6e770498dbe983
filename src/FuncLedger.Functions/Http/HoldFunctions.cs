using FuncLedger.Core.Domain;
using FuncLedger.Core.Operations;
using FuncLedger.Functions.Contracts;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace FuncLedger.Functions.Http;

/// <summary>Holds (two-phase): reserve coins, then capture (all or part, as a debit or to another owner) or void them.</summary>
public sealed class HoldFunctions(ILedger ledger, LedgerHttp http)
{
    [Function(nameof(PlaceHold))]
    public Task<IActionResult> PlaceHold(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "wallets/{ownerId}/holds")] HttpRequest request,
        string ownerId,
        CancellationToken cancellationToken) =>
        http.HandleAsync(request, async () =>
        {
            var owner = HttpInput.Owner(ownerId);
            var body = await HttpInput.ReadJsonAsync(request, FuncLedgerJson.Default.HoldRequest, cancellationToken);
            HttpInput.Require(("amount", body.Amount is not null), ("reason", body.Reason is not null));
            var key = HttpInput.IdempotencyKey(request, body.IdempotencyKey)
                ?? throw HttpInput.Invalid("Idempotency-Key", "A hold needs an idempotency key.");
            using var claim = http.ClaimKey(key);
            var command = new HoldCommand(owner, Coins.From(body.Amount!.Value), body.Reason!, IdempotencyKey.From(key),
                HttpInput.Instant(body.ExpiresAt, "expiresAt"), HttpInput.Meta(body.Meta));
            var result = await ledger.PlaceHoldAsync(command, cancellationToken);
            return HttpInput.Ok(HoldResponse.From(result, key), FuncLedgerJson.Default.HoldResponse, result.Replayed,
                StatusCodes.Status201Created);
        }, cancellationToken);

    [Function(nameof(CaptureHold))]
    public Task<IActionResult> CaptureHold(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "holds/{holdId}/capture")] HttpRequest request,
        string holdId,
        CancellationToken cancellationToken) =>
        http.HandleAsync(request, async () =>
        {
            var id = HttpInput.Id(holdId, "holdId");
            // The body is optional: none captures the whole hold as a debit with the hold's reason.
            var body = await HttpInput.ReadOptionalJsonAsync(request, FuncLedgerJson.Default.CaptureRequest,
                new CaptureRequest(null, null, null), cancellationToken);
            var key = HttpInput.IdempotencyKey(request, body.IdempotencyKey);
            using var claim = http.ClaimKey(key);
            var command = new CaptureCommand(id, body.Amount is { } amount ? Coins.From(amount) : null,
                body.ToOwnerId is { } to ? OwnerId.From(to, "toOwnerId") : null, body.Reason, IdempotencyKey.Parse(key));
            var result = await ledger.CaptureHoldAsync(command, cancellationToken);
            return HttpInput.Ok(CaptureResponse.From(result), FuncLedgerJson.Default.CaptureResponse, result.Replayed);
        }, cancellationToken);

    [Function(nameof(VoidHold))]
    public Task<IActionResult> VoidHold(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "holds/{holdId}/void")] HttpRequest request,
        string holdId,
        CancellationToken cancellationToken) =>
        http.HandleAsync(request, async () =>
        {
            var id = HttpInput.Id(holdId, "holdId");
            var key = HttpInput.IdempotencyKey(request, null);
            using var claim = http.ClaimKey(key);
            var result = await ledger.VoidHoldAsync(new VoidCommand(id, IdempotencyKey.Parse(key)), cancellationToken);
            return HttpInput.Ok(new VoidResponse(result.HoldId, HoldResponse.Name(result.Status), result.Released, result.Balance,
                result.Held, result.Available), FuncLedgerJson.Default.VoidResponse, result.Replayed);
        }, cancellationToken);

    [Function(nameof(GetHold))]
    public Task<IActionResult> GetHold(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "holds/{holdId}")] HttpRequest request,
        string holdId,
        CancellationToken cancellationToken) =>
        http.HandleAsync(request, async () =>
        {
            var result = await ledger.GetHoldAsync(HttpInput.Id(holdId, "holdId"), cancellationToken);
            return HttpInput.Ok(HoldResponse.From(result), FuncLedgerJson.Default.HoldResponse);
        }, cancellationToken);

    [Function(nameof(Reverse))]
    public Task<IActionResult> Reverse(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "transactions/{transactionId}/reverse")] HttpRequest request,
        string transactionId,
        CancellationToken cancellationToken) =>
        http.HandleAsync(request, async () =>
        {
            var id = HttpInput.Id(transactionId, "transactionId");
            var body = await HttpInput.ReadJsonAsync(request, FuncLedgerJson.Default.ReverseRequest, cancellationToken);
            HttpInput.Require(("reason", body.Reason is not null));
            var key = HttpInput.IdempotencyKey(request, body.IdempotencyKey);
            using var claim = http.ClaimKey(key);
            var amount = body.Amount is { } coins ? Coins.From(coins) : (Coins?)null;
            var command = new ReverseCommand(id, body.Reason!, IdempotencyKey.Parse(key), amount);
            var result = await ledger.ReverseAsync(command, cancellationToken);
            return HttpInput.Ok(ReversalResponse.From(result), FuncLedgerJson.Default.ReversalResponse, result.Replayed);
        }, cancellationToken);
}
