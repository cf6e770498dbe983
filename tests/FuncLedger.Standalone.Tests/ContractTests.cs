using System.Text.Json;
using FuncLedger.Functions.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace FuncLedger.Standalone.Tests;

/// <summary>
/// Standalone serves exactly what Azure would: the functions.metadata the Worker SDK generated into the function
/// app's build output is the reference for routes, methods, auth levels, queue names and schedules; the checked-in
/// OpenAPI document is kept in step with the same routes and the problem codes.
/// </summary>
[Collection(StandaloneCollection.Name)]
public sealed class ContractTests(StandaloneFixture app)
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    internal static string MetadataPath =>
        Path.Combine(StandaloneFixture.RepositoryRoot, "src", "FuncLedger.Functions", "bin", Configuration, "net10.0", "functions.metadata");

    private static readonly FunctionCatalog Catalog = FunctionCatalog.From(FunctionsMetadata.Load(MetadataPath), typeof(WalletFunctions).Assembly);

    private static JsonElement Metadata()
    {
        Assert.True(File.Exists(MetadataPath), $"The Worker SDK did not generate {MetadataPath}: build the solution first.");
        return JsonDocument.Parse(File.ReadAllText(MetadataPath)).RootElement;
    }

    private static IEnumerable<(string Name, JsonElement Trigger)> Triggers(string type) =>
        Metadata().EnumerateArray()
            .Select(f => (Name: f.GetProperty("name").GetString()!, Trigger: f.GetProperty("bindings").EnumerateArray()
                .FirstOrDefault(b => b.GetProperty("type").GetString() == type)))
            .Where(f => f.Trigger.ValueKind == JsonValueKind.Object);

    [Fact]
    public void Standalone_serves_exactly_the_http_functions_of_the_generated_metadata()
    {
        var expected = Triggers("httpTrigger")
            .Select(f => $"{f.Name} {string.Join(',', f.Trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!.ToUpperInvariant()).Order())} "
                + $"api/{f.Trigger.GetProperty("route").GetString()} {f.Trigger.GetProperty("authLevel").GetString()}")
            .Order();
        var catalog = Catalog.Http
            .Select(f => $"{f.Name} {string.Join(',', f.Methods.Select(m => m.ToUpperInvariant()).Order())} api/{f.Route} {f.AuthLevel}")
            .Order();
        var served = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IEndpointNameMetadata>() is not null)
            .Select(e => (Name: e.Metadata.GetMetadata<IEndpointNameMetadata>()!.EndpointName, e.RoutePattern.RawText,
                Methods: string.Join(',', e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods.Order())))
            .Select(e => $"{e.Name} {e.Methods} {e.RawText!.TrimStart('/')}")
            .Order();

        Assert.Equal(56, expected.Count());
        Assert.Equal(expected, catalog);
        Assert.Equal(expected.Select(e => e[..e.LastIndexOf(' ')]), served);
    }

    [Fact]
    public void Standalone_listens_on_the_queues_and_schedules_of_the_generated_metadata()
    {
        var queues = Triggers("queueTrigger")
            .Select(f => $"{f.Name} {f.Trigger.GetProperty("queueName").GetString()} {f.Trigger.GetProperty("connection").GetString()}");
        var timers = Triggers("timerTrigger")
            .Select(f => $"{f.Name} {f.Trigger.GetProperty("schedule").GetString()} {f.Trigger.GetProperty("runOnStartup").GetBoolean()}");

        Assert.Equal(queues, app.Services.GetServices<QueueListener>().Select(l => l.Function)
            .Select(f => $"{f.Name} {f.QueueName} {f.Connection}"));
        Assert.Equal(timers, app.Services.GetServices<TimerScheduler>().Select(t => t.Function)
            .Select(f => $"{f.Name} {f.Schedule} {f.RunOnStartup}"));
        Assert.Equal(["PayoutAwards payout-awards AzureWebJobsStorage"], queues);
        Assert.Equal(["HoldExpiry %HoldExpirySchedule% False", "NightlyReconciliation %ReconcileSchedule% False"], timers.Order());
        Assert.Equal(["0 * * * * *", "0 0 3 * * *"], app.Services.GetServices<TimerScheduler>().Select(t => t.Expression).Order());
    }

    private static JsonElement OpenApi() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(StandaloneFixture.RepositoryRoot, "docs", "openapi.json"))).RootElement;

    [Fact]
    public void The_openapi_document_lists_every_route_method_and_key_requirement_and_nothing_else()
    {
        var documented = OpenApi().GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(o =>
                $"{o.Value.GetProperty("operationId").GetString()} {o.Name.ToUpperInvariant()} {p.Name.TrimStart('/')} "
                + string.Join('+', o.Value.GetProperty("security").EnumerateArray().SelectMany(s => s.EnumerateObject().Select(x => x.Name)))))
            .Order();
        var served = Catalog.Http
            .SelectMany(f => f.Methods.Select(m => $"{f.Name} {m.ToUpperInvariant()} {f.Route} " + f.AuthLevel switch
            {
                Microsoft.Azure.Functions.Worker.AuthorizationLevel.Anonymous => "",
                Microsoft.Azure.Functions.Worker.AuthorizationLevel.Admin => "masterKey",
                _ => "functionKey+functionKeyQuery",
            }))
            .Order();

        Assert.Equal(served, documented);
        Assert.EndsWith("/api", OpenApi().GetProperty("servers")[0].GetProperty("url").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_openapi_document_lists_exactly_the_problem_codes_the_app_can_answer()
    {
        var documented = OpenApi().GetProperty("components").GetProperty("schemas").GetProperty("Problem")
            .GetProperty("properties").GetProperty("code").GetProperty("enum").EnumerateArray().Select(c => c.GetString()!).Order();

        Assert.Equal(ProblemCodes.Status.Keys.Order(), documented);
    }
}

/// <summary>How Standalone itself is hosted, where it differs from ASP.NET Core's defaults on purpose.</summary>
public sealed class HostingTests
{
    [Fact]
    public async Task Standalone_reads_its_settings_once_and_watches_no_folder()
    {
        // The default builder watches the working directory recursively for appsettings changes; run from a repository
        // (node_modules, Azurite's data, build output) that watcher cost about 8% of the CPU under load.
        await using var app = StandaloneHost.Build(new StandaloneHost.Options(false, null,
        [
            "--urls=http://127.0.0.1:0",
            $"--{FunctionKeys.FunctionKeysSetting}=hosting-test-function-key-0123",
            $"--{FunctionKeys.MasterKeySetting}=hosting-test-master-key-0123456",
            "--Ledger:Provider=sqlite",
            "--ConnectionStrings:Ledger=Data Source=:memory:",
            "--AzureWebJobsStorage=UseDevelopmentStorage=true",
            "--ReconcileSchedule=0 0 3 * * *",
            "--HoldExpirySchedule=0 * * * * *",
            "--HistoryLinks:Secret=hosting-test-history-link-secret-0123456789",
        ]));

        Assert.Equal(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory), Path.TrimEndingDirectorySeparator(app.Environment.ContentRootPath));
        var sources = ((Microsoft.Extensions.Configuration.IConfigurationBuilder)app.Configuration).Sources;
        Assert.Contains(sources, s => s is Microsoft.Extensions.Configuration.FileConfigurationSource);
        Assert.All(sources.OfType<Microsoft.Extensions.Configuration.FileConfigurationSource>(), s => Assert.False(s.ReloadOnChange, s.Path));
    }
}

/// <summary>The API described by the app itself, as a client or a browser gets it: anonymous, and nothing from elsewhere.</summary>
[Collection(StandaloneCollection.Name)]
public sealed class ApiReferenceTests(StandaloneFixture app)
{
    [Fact]
    public async Task The_app_serves_the_openapi_document_of_the_repository_without_a_key()
    {
        var response = await app.SendAsync(HttpMethod.Get, "/api/openapi.json", key: null);

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(StandaloneFixture.RepositoryRoot, "docs", "openapi.json")),
            await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task The_reference_page_and_its_assets_come_from_the_app_under_a_same_origin_policy()
    {
        var page = await app.SendAsync(HttpMethod.Get, "/api/docs", key: null);
        var html = await page.Content.ReadAsStringAsync();

        Assert.Equal(System.Net.HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<script src=\"docs/scalar.js\"></script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http", html, StringComparison.OrdinalIgnoreCase);
        var policy = page.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'self'", policy, StringComparison.Ordinal);
        Assert.Contains("script-src 'self';", policy, StringComparison.Ordinal);

        using var gzip = new HttpRequestMessage(HttpMethod.Get, "/api/docs/scalar.js");
        gzip.Headers.AcceptEncoding.ParseAdd("gzip");
        var compressed = await app.Client.SendAsync(gzip);
        Assert.Equal(System.Net.HttpStatusCode.OK, compressed.StatusCode);
        Assert.Equal("gzip", Assert.Single(compressed.Content.Headers.ContentEncoding));
        await using (var unzip = new System.IO.Compression.GZipStream(await compressed.Content.ReadAsStreamAsync(),
            System.IO.Compression.CompressionMode.Decompress))
        {
            Assert.Contains("createApiReference", await new StreamReader(unzip).ReadToEndAsync(), StringComparison.Ordinal);
        }

        var plain = await app.SendAsync(HttpMethod.Get, "/api/docs/scalar.js", key: null);
        Assert.Empty(plain.Content.Headers.ContentEncoding);
        Assert.Contains("createApiReference", await plain.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var init = await (await app.SendAsync(HttpMethod.Get, "/api/docs/init.js", key: null)).Content.ReadAsStringAsync();
        Assert.Contains("url: 'openapi.json'", init, StringComparison.Ordinal);
        Assert.Contains("withDefaultFonts: false", init, StringComparison.Ordinal);
        Assert.Contains("agent: { disabled: true }", init, StringComparison.Ordinal);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await app.SendAsync(HttpMethod.Get, "/api/docs/other.js", key: null)).StatusCode);
    }
}
