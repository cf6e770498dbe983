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
            var body = await LedgerHttp.ReadJsonAsync(request, FuncLedgerJson.Default.TransferRequest, cancellationToken);
            LedgerHttp.Require(
                ("fromOwnerId", body.FromOwnerId is not null),
                ("toOwnerId", body.ToOwnerId is not null),
                ("amount", body.Amount is not null),
                ("reason", body.Reason is not null));
            var key = LedgerHttp.IdempotencyKey(request, body.IdempotencyKey);
            using var claim = http.ClaimKey(key);
            var (from, to, amount) = (body.FromOwnerId!.Value, body.ToOwnerId!.Value, body.Amount!.Value);
            var result = await ledger.TransferAsync(from, to, amount, body.Reason!, key, LedgerHttp.Meta(body.Meta), cancellationToken);
            return LedgerHttp.Ok(TransferResponse.From(from, to, amount, result), FuncLedgerJson.Default.TransferResponse, result.Replayed);
        }, cancellationToken);
}
