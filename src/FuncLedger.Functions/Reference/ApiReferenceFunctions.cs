using FuncLedger.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Net.Http.Headers;

namespace FuncLedger.Functions.Reference;

/// <summary>
/// The API described by the app itself (anonymous): <c>GET api/openapi.json</c>, the document the functions implement, and
/// <c>GET api/docs</c>, a reference page (Scalar's API reference) whose script the app serves too (no CDN: players and
/// operators may be offline or behind a strict content policy, which the page's own policy enforces).
/// </summary>
public sealed class ApiReferenceFunctions
{
    /// <summary>The page's content policy: everything from the app itself (Scalar sets inline styles).</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
        + "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    private static readonly Lazy<byte[]> OpenApi = new(() =>
        StaticAsset.Resource(typeof(ApiReferenceFunctions).Assembly, "FuncLedger.openapi.json"));

    // Scalar's standalone bundle, gzip-compressed as the package embeds it.
    private static readonly Lazy<byte[]> ScalarGzip = new(() =>
        StaticAsset.Resource(typeof(Scalar.AspNetCore.ScalarOptions).Assembly, "ScalarStaticAssets.scalar.js"));

    // The same, decompressed once for the rare client that does not accept gzip (4.9 MB: not per request).
    private static readonly Lazy<byte[]> ScalarPlain = new(() => StaticAsset.Gunzip(ScalarGzip.Value));

    private static readonly Lazy<byte[]> Favicon = new(() =>
        StaticAsset.Gunzip(StaticAsset.Resource(typeof(Scalar.AspNetCore.ScalarOptions).Assembly, "ScalarStaticAssets.favicon.svg")));

    private const string Page = """
        <!doctype html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <meta name="viewport" content="width=device-width, initial-scale=1">
          <title>FuncLedger API</title>
          <link rel="icon" type="image/svg+xml" href="docs/favicon.svg">
        </head>
        <body>
          <div id="app"></div>
          <script src="docs/scalar.js"></script>
          <script src="docs/init.js"></script>
        </body>
        </html>
        """;

    // Relative URLs: the page works under any route prefix and host. No fonts, telemetry, AI agent or proxies from elsewhere.
    private const string Init = """
        Scalar.createApiReference('#app', {
          url: 'openapi.json',
          withDefaultFonts: false,
          hideClientButton: true,
          telemetry: false,
          showDeveloperTools: 'never',
          agent: { disabled: true },
          metaData: { title: 'FuncLedger API' },
        });
        """;

    private static readonly Lazy<byte[]> PageBytes = new(() => System.Text.Encoding.UTF8.GetBytes(Page));

    private static readonly Lazy<byte[]> InitBytes = new(() => System.Text.Encoding.UTF8.GetBytes(Init));

    [Function(nameof(OpenApiDocument))]
    public IActionResult OpenApiDocument(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "openapi.json")] HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        Cache(request.HttpContext.Response);
        return new StaticAsset(OpenApi.Value, "application/json; charset=utf-8");
    }

    [Function(nameof(ApiDocs))]
    public IActionResult ApiDocs([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "docs")] HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.HttpContext.Response.Headers[HeaderNames.ContentSecurityPolicy] = ContentSecurityPolicy;
        request.HttpContext.Response.Headers[HeaderNames.XContentTypeOptions] = "nosniff";
        return new StaticAsset(PageBytes.Value, "text/html; charset=utf-8");
    }

    [Function(nameof(ApiDocsAsset))]
    public IActionResult ApiDocsAsset(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "docs/{asset}")] HttpRequest request, string asset)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = request.HttpContext.Response;
        response.Headers[HeaderNames.XContentTypeOptions] = "nosniff";
        switch (asset)
        {
            case "scalar.js":
                Cache(response);
                response.Headers.Vary = HeaderNames.AcceptEncoding;
                if (request.Headers.AcceptEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase))
                {
                    response.Headers.ContentEncoding = "gzip";
                    return new StaticAsset(ScalarGzip.Value, "text/javascript; charset=utf-8");
                }

                return new StaticAsset(ScalarPlain.Value, "text/javascript; charset=utf-8");
            case "init.js":
                Cache(response);
                return new StaticAsset(InitBytes.Value, "text/javascript; charset=utf-8");
            case "favicon.svg":
                Cache(response);
                return new StaticAsset(Favicon.Value, "image/svg+xml");
            default:
                return new NotFoundResult();
        }
    }

    private static void Cache(HttpResponse response) => response.Headers.CacheControl = "public, max-age=3600";
}
