using System.Globalization;
using FuncLedger.Core.Domain;
using FuncLedger.Core.Maintenance;
using FuncLedger.Core.Operations;
using FuncLedger.Functions.Contracts;
using FuncLedger.Functions.Http;
using FuncLedger.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace FuncLedger.Functions.History;

/// <summary>
/// A player's history page (Module 7.3), reached by a signed, expiring, read-only link (<see cref="HistoryLinks"/>) and
/// no function key: <c>GET history/{ownerId}?t=</c> serves the page, <c>GET history/{ownerId}/data?t=</c> its balance and
/// one page of history. A tampered, expired or other owner's link is 403 and shows nothing. Links come from
/// <c>POST ops/history-links</c> (master key) or <c>funcledger links create</c>; <c>POST ops/history-links/{ownerId}/revoke</c>
/// (or <c>funcledger links revoke</c>) ends every link of one owner at once.
/// </summary>
public sealed class HistoryFunctions(ILedger ledger, HistoryLinks links, IHistoryLinkEpochs epochs, LedgerHttp http)
{
    public const int PageSizeDefault = 10;
    public const int PageSizeMax = 50;

    /// <summary>Same origin only; the token is in the URL, so no referrer leaves the page and nothing is cached.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; frame-ancestors 'none'; "
        + "base-uri 'none'; form-action 'none'";

    private const string Refused = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Link not valid</title></head>
        <body><main><h1>This link is not valid or has expired.</h1><p>Ask for a new one.</p></main></body></html>
        """;

    private static readonly byte[] RefusedBytes = System.Text.Encoding.UTF8.GetBytes(Refused);

    [Function(nameof(HistoryPage))]
    public async Task<IActionResult> HistoryPage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "history/{ownerId}")] HttpRequest request, string ownerId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        Protect(request.HttpContext.Response);
        return await GrantedAsync(request, ownerId, cancellationToken) is null
            ? new StaticAsset(RefusedBytes, "text/html; charset=utf-8", StatusCodes.Status403Forbidden)
            : StaticAsset.Embedded(Asset("history.html"), "text/html; charset=utf-8");
    }

    [Function(nameof(HistoryData))]
    public Task<IActionResult> HistoryData(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "history/{ownerId}/data")] HttpRequest request, string ownerId,
        CancellationToken cancellationToken) =>
        http.HandleAsync(request, async () =>
        {
            Protect(request.HttpContext.Response);
            var owner = await GrantedAsync(request, ownerId, cancellationToken) ?? throw new HttpProblemException(
                ProblemCodes.LinkInvalid, "This link is not valid or has expired.");
            var limit = HttpInput.QueryInt(request, "limit") ?? PageSizeDefault;
            if (limit is < 1 or > PageSizeMax)
            {
                throw HttpInput.Invalid("limit", $"Must be 1 to {PageSizeMax}.");
            }

            var query = new HistoryQuery(limit, HttpInput.QueryText(request, "cursor"), Type: HttpInput.QueryHistoryType(request, "type"));
            WalletBalance? wallet;
            try
            {
                wallet = await ledger.GetWalletAsync(owner, cancellationToken);
            }
            catch (InvalidWalletException)
            {
                wallet = null;
            }

            var page = wallet is null
                ? new Core.Domain.HistoryPage([], null)
                : await ledger.GetHistoryPageAsync(owner, query, cancellationToken);
            return HttpInput.Ok(new HistoryPageResponse(owner.Value, wallet?.Balance ?? 0, wallet?.Held ?? 0, wallet?.Available ?? 0,
                [.. page.Items.Select(i => new HistoryPageEntry(i.Id, i.Amount, i.BalanceAfter, i.Reason,
                    new DateTimeOffset(DateTime.SpecifyKind(i.CreatedAt, DateTimeKind.Utc))))], page.NextCursor),
                FuncLedgerJson.Default.HistoryPageResponse);
        }, cancellationToken);

    [Function(nameof(HistoryAsset))]
    public IActionResult HistoryAsset(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "history-assets/{asset}")] HttpRequest request, string asset)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.HttpContext.Response.Headers.XContentTypeOptions = "nosniff";
        request.HttpContext.Response.Headers.CacheControl = "public, max-age=300";
        return asset switch
        {
            "history.js" => StaticAsset.Embedded(Asset(asset), "text/javascript; charset=utf-8"),
            "history.css" => StaticAsset.Embedded(Asset(asset), "text/css; charset=utf-8"),
            _ => new NotFoundResult(),
        };
    }

    [Function(nameof(CreateHistoryLink))]
    public Task<IActionResult> CreateHistoryLink(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = "ops/history-links")] HttpRequest request,
        CancellationToken cancellationToken) =>
        http.HandleAsync(request, async () =>
        {
            var owner = HttpInput.Owner(HttpInput.QueryText(request, "ownerId"));
            var epoch = await epochs.CurrentAsync(owner, cancellationToken);
            try
            {
                var ttl = HttpInput.QueryText(request, "ttl") is { } text ? HistoryLinks.ParseTtl(text) : links.DefaultTtl;
                var (token, expiresAt) = links.Create(owner.Value, epoch, ttl);
                var url = HistoryLinks.PageUrl($"{request.Scheme}://{request.Host}{request.PathBase}/api", owner.Value, token);
                return HttpInput.Ok(new HistoryLinkResponse(owner.Value, url, expiresAt), FuncLedgerJson.Default.HistoryLinkResponse,
                    status: StatusCodes.Status201Created);
            }
            catch (Exception e) when (e is FormatException or ArgumentOutOfRangeException)
            {
                throw HttpInput.Invalid("ttl", e.Message.Split(" (Parameter", 2)[0]);
            }
        }, cancellationToken);

    [Function(nameof(RevokeHistoryLinks))]
    public Task<IActionResult> RevokeHistoryLinks(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = "ops/history-links/{ownerId}/revoke")] HttpRequest request,
        string ownerId,
        CancellationToken cancellationToken) =>
        http.HandleAsync(request, async () =>
        {
            var owner = HttpInput.Owner(ownerId);
            var epoch = await epochs.RevokeAsync(owner, WalletAdminFunctions.ActorOf(request), cancellationToken);
            return HttpInput.Ok(new HistoryLinksRevokedResponse(owner.Value, epoch), FuncLedgerJson.Default.HistoryLinksRevokedResponse);
        }, cancellationToken);

    /// <summary>The owner the link grants, or null (tampered, expired, another owner's, revoked, or no link).</summary>
    private async Task<OwnerId?> GrantedAsync(HttpRequest request, string ownerId, CancellationToken cancellationToken)
    {
        if (!long.TryParse(ownerId, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id <= 0)
        {
            return null;
        }

        var token = request.Query["t"];
        if (token.Count != 1 || links.Check(id, token[0]) is not (HistoryLinkCheck.Valid, var epoch))
        {
            return null;
        }

        // Checked last: the database is asked only about a link whose signature holds.
        var owner = OwnerId.From(id);
        return epoch == await epochs.CurrentAsync(owner, cancellationToken) ? owner : null;
    }

    /// <summary>A file of History/Assets, as the project embeds it.</summary>
    private static string Asset(string file) => "FuncLedger.history." + file;

    private static void Protect(HttpResponse response)
    {
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers["Referrer-Policy"] = "no-referrer";
        response.Headers.CacheControl = "no-store";
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.XFrameOptions = "DENY";
    }
}
