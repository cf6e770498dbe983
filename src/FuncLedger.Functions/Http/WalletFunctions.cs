using FuncLedger.Core.Domain;
using FuncLedger.Core.Operations;
using FuncLedger.Functions.Contracts;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace FuncLedger.Functions.Http;

/// <summary>Credit, debit, balance and history of one owner's wallet.</summary>
public sealed class WalletFunctions(ILedger ledger, LedgerHttp http)
{
    [Function(nameof(Credit))]
    public Task<IActionResult> Credit(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "wallets/{ownerId}/credit")] HttpRequest request,
        string ownerId,
        CancellationToken cancellationToken) =>
        http.HandleAsync(request, () => ChangeAsync(request, ownerId, credit: true, cancellationToken), cancellationToken);

    [Function(nameof(Debit))]
    public Task<IActionResult> Debit(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "wallets/{ownerId}/debit")] HttpRequest request,
        string ownerId,
        CancellationToken cancellationToken) =>
        http.HandleAsync(request, () => ChangeAsync(request, ownerId, credit: false, cancellationToken), cancellationToken);

    [Function(nameof(Balance))]
    public Task<IActionResult> Balance(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "wallets/{ownerId}/balance")] HttpRequest request,
        string ownerId,
        CancellationToken cancellationToken) =>
        http.HandleAsync(request, async () =>
        {
            var owner = LedgerHttp.OwnerId(ownerId);
            var balance = await ledger.GetBalanceAsync(owner, cancellationToken);
            return LedgerHttp.Ok(new BalanceResponse(owner, balance), FuncLedgerJson.Default.BalanceResponse);
        }, cancellationToken);

    [Function(nameof(Transactions))]
    public Task<IActionResult> Transactions(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "wallets/{ownerId}/transactions")] HttpRequest request,
        string ownerId,
        CancellationToken cancellationToken) =>
        http.HandleAsync(request, async () =>
        {
            var owner = LedgerHttp.OwnerId(ownerId);
            var limit = LedgerHttp.QueryInt(request, "limit") ?? LedgerLimits.HistoryLimitDefault;
            var offset = LedgerHttp.QueryInt(request, "offset") ?? 0;
            var items = await ledger.GetHistoryAsync(owner, limit, offset, cancellationToken);
            int? next = items.Count == limit ? offset + limit : null;
            return LedgerHttp.Ok(
                new HistoryResponse(owner, limit, offset, next,
                    [.. items.Select(i => new HistoryEntryResponse(i.Id, i.Amount, i.BalanceAfter, i.Reason, i.CreatedAt, i.IdempotencyKey))]),
                FuncLedgerJson.Default.HistoryResponse);
        }, cancellationToken);

    private async Task<IActionResult> ChangeAsync(HttpRequest request, string ownerId, bool credit, CancellationToken cancellationToken)
    {
        var owner = LedgerHttp.OwnerId(ownerId);
        var body = await LedgerHttp.ReadJsonAsync(request, FuncLedgerJson.Default.WalletChangeRequest, cancellationToken);
        LedgerHttp.Require(("amount", body.Amount is not null), ("reason", body.Reason is not null));
        var key = LedgerHttp.IdempotencyKey(request, body.IdempotencyKey);
        using var claim = http.ClaimKey(key);
        var amount = body.Amount!.Value;
        var meta = LedgerHttp.Meta(body.Meta);
        var result = credit
            ? await ledger.CreditAsync(owner, amount, body.Reason!, key, meta, cancellationToken)
            : await ledger.DebitAsync(owner, amount, body.Reason!, key, meta, cancellationToken);
        return LedgerHttp.Ok(WalletChangeResponse.From(owner, amount, result), FuncLedgerJson.Default.WalletChangeResponse, result.Replayed);
    }
}
