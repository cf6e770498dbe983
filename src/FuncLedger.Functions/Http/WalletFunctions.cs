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
            var owner = HttpInput.Owner(ownerId);
            var asOf = HttpInput.QueryInstant(request, "asOf");
            if (asOf is { } instant)
            {
                var then = await ledger.GetBalanceAsync(owner, instant, cancellationToken);
                return HttpInput.Ok(new BalanceResponse(owner.Value, then, instant.ToUniversalTime()),
                    FuncLedgerJson.Default.BalanceResponse);
            }

            var wallet = await ledger.GetWalletAsync(owner, cancellationToken);
            return HttpInput.Ok(new BalanceResponse(owner.Value, wallet.Balance, null, wallet.Held, wallet.Available, wallet.Frozen),
                FuncLedgerJson.Default.BalanceResponse);
        }, cancellationToken);

    [Function(nameof(Transactions))]
    public Task<IActionResult> Transactions(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "wallets/{ownerId}/transactions")] HttpRequest request,
        string ownerId,
        CancellationToken cancellationToken) =>
        http.HandleAsync(request, async () =>
        {
            var owner = HttpInput.Owner(ownerId);
            var limit = HttpInput.QueryInt(request, "limit") ?? LedgerLimits.HistoryLimitDefault;
            var offset = HttpInput.QueryInt(request, "offset");
            var query = new HistoryQuery(limit, HttpInput.QueryText(request, "cursor"), HttpInput.QueryInstant(request, "from"),
                HttpInput.QueryInstant(request, "to"), HttpInput.QueryHistoryType(request, "type"));
            var keyset = query.Cursor is not null || query.From is not null || query.To is not null || query.Type is not null;
            if (keyset && offset is not null)
            {
                throw HttpInput.Invalid("offset", "Page with offset or with cursor and filters, not both.");
            }

            IReadOnlyList<HistoryItem> items;
            string? nextCursor = null;
            if (offset is null or 0)
            {
                // The first page is the same either way; it carries both next positions.
                var page = await ledger.GetHistoryPageAsync(owner, query, cancellationToken);
                (items, nextCursor) = (page.Items, page.NextCursor);
            }
            else
            {
                items = await ledger.GetHistoryAsync(owner, limit, offset.Value, cancellationToken);
            }

            int? next = !keyset && items.Count == limit ? (offset ?? 0) + limit : null;
            return HttpInput.Ok(
                new HistoryResponse(owner.Value, limit, offset ?? 0, next,
                    [.. items.Select(i => new HistoryEntryResponse(i.Id, i.Amount, i.BalanceAfter, i.Reason, i.CreatedAt, i.IdempotencyKey,
                        i.Reverses, i.ReversedBy.Count == 0 ? null : i.ReversedBy, EntrySources.Name(i.Source)))], nextCursor),
                FuncLedgerJson.Default.HistoryResponse);
        }, cancellationToken);

    private async Task<IActionResult> ChangeAsync(HttpRequest request, string ownerId, bool credit, CancellationToken cancellationToken)
    {
        var owner = HttpInput.Owner(ownerId);
        var body = await HttpInput.ReadJsonAsync(request, FuncLedgerJson.Default.WalletChangeRequest, cancellationToken);
        HttpInput.Require(("amount", body.Amount is not null), ("reason", body.Reason is not null));
        var key = HttpInput.IdempotencyKey(request, body.IdempotencyKey);
        using var claim = http.ClaimKey(key);
        var (amount, reason, typedKey, meta) =
            (Coins.From(body.Amount!.Value), body.Reason!, IdempotencyKey.Parse(key), HttpInput.Meta(body.Meta));
        var result = credit
            ? await ledger.CreditAsync(new CreditCommand(owner, amount, reason, typedKey, meta), cancellationToken)
            : await ledger.DebitAsync(new DebitCommand(owner, amount, reason, typedKey, meta), cancellationToken);
        return HttpInput.Ok(WalletChangeResponse.From(owner.Value, amount.Value, result), FuncLedgerJson.Default.WalletChangeResponse,
            result.Replayed);
    }
}
