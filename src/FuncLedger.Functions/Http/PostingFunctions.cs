using System.Globalization;
using FuncLedger.Core.Domain;
using FuncLedger.Core.Operations;
using FuncLedger.Functions.Contracts;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace FuncLedger.Functions.Http;

/// <summary>Multi-leg postings: legs on several owners' wallets, summing to zero, applied in one transaction.</summary>
public sealed class PostingFunctions(ILedger ledger, LedgerHttp http)
{
    [Function(nameof(Posting))]
    public Task<IActionResult> Posting(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "postings")] HttpRequest request,
        CancellationToken cancellationToken) =>
        http.HandleAsync(request, async () =>
        {
            var body = await HttpInput.ReadJsonAsync(request, FuncLedgerJson.Default.PostingRequest, cancellationToken,
                HttpLimits.PostingBodyBytesMax);
            HttpInput.Require(("legs", body.Legs is not null), ("reason", body.Reason is not null));
            var legs = body.Legs!;
            HttpInput.Require([.. legs.SelectMany((leg, i) => new[]
            {
                (Field(i, "ownerId"), leg?.OwnerId is not null),
                (Field(i, "amount"), leg?.Amount is not null),
            })]);
            var key = HttpInput.IdempotencyKey(request, body.IdempotencyKey);
            using var claim = http.ClaimKey(key);
            var command = new PostingCommand(
                [.. legs.Select((leg, i) => new PostingLeg(OwnerId.From(leg!.OwnerId!.Value, Field(i, "ownerId")), leg.Amount!.Value))],
                body.Reason!, IdempotencyKey.Parse(key), HttpInput.Meta(body.Meta));
            var result = await ledger.PostAsync(command, cancellationToken);
            return HttpInput.Ok(PostingResponse.From(result), FuncLedgerJson.Default.PostingResponse, result.Replayed);
        }, cancellationToken);

    [Function(nameof(ReversePosting))]
    public Task<IActionResult> ReversePosting(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "postings/{postingId}/reverse")] HttpRequest request,
        string postingId,
        CancellationToken cancellationToken) =>
        http.HandleAsync(request, async () =>
        {
            var id = HttpInput.Id(postingId, "postingId");
            var body = await HttpInput.ReadJsonAsync(request, FuncLedgerJson.Default.PostingReverseRequest, cancellationToken);
            HttpInput.Require(("reason", body.Reason is not null));
            var key = HttpInput.IdempotencyKey(request, body.IdempotencyKey);
            using var claim = http.ClaimKey(key);
            var result = await ledger.ReversePostingAsync(new ReversePostingCommand(id, body.Reason!, IdempotencyKey.Parse(key)),
                cancellationToken);
            return HttpInput.Ok(ReversalResponse.From(result), FuncLedgerJson.Default.ReversalResponse, result.Replayed);
        }, cancellationToken);

    private static string Field(int leg, string name) => string.Create(CultureInfo.InvariantCulture, $"legs[{leg}].{name}");
}
