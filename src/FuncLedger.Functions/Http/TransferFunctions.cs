using FuncLedger.Core.Domain;
using FuncLedger.Core.Operations;
using FuncLedger.Functions.Contracts;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace FuncLedger.Functions.Http;

/// <summary>Moves coins between two owners' wallets in one transaction.</summary>
public sealed class TransferFunctions(ILedger ledger, LedgerHttp http)
{
    [Function(nameof(Transfer))]
    public Task<IActionResult> Transfer(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "transfers")] HttpRequest request,
        CancellationToken cancellationToken) =>
        http.HandleAsync(request, async () =>
        {
            var body = await HttpInput.ReadJsonAsync(request, FuncLedgerJson.Default.TransferRequest, cancellationToken);
            HttpInput.Require(
                ("fromOwnerId", body.FromOwnerId is not null),
                ("toOwnerId", body.ToOwnerId is not null),
                ("amount", body.Amount is not null),
                ("reason", body.Reason is not null));
            var key = HttpInput.IdempotencyKey(request, body.IdempotencyKey);
            using var claim = http.ClaimKey(key);
            var command = new TransferCommand(
                OwnerId.From(body.FromOwnerId!.Value, "fromOwnerId"),
                OwnerId.From(body.ToOwnerId!.Value, "toOwnerId"),
                Coins.From(body.Amount!.Value), body.Reason!, IdempotencyKey.Parse(key), HttpInput.Meta(body.Meta));
            var result = await ledger.TransferAsync(command, cancellationToken);
            return HttpInput.Ok(TransferResponse.From(command.From.Value, command.To.Value, command.Amount.Value, result),
                FuncLedgerJson.Default.TransferResponse, result.Replayed);
        }, cancellationToken);
}
