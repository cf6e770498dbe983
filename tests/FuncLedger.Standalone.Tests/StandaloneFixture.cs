using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Queues;
using FuncLedger.Hosting;
using FuncLedger.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace FuncLedger.Standalone.Tests;

/// <summary>
/// FuncLedger.Standalone serving over real HTTP on a loopback port, on a real PostgreSQL database and a real Azurite.
/// The host.json is the shipped one with two timings shortened (visibilityTimeout, maxPollingInterval) so a message
/// reaches the poison queue in seconds; every other setting is the shipped value.
/// </summary>
public sealed class StandaloneFixture : IAsyncLifetime
{
    public const string FunctionKey = "test-function-key-0123456789";
    public const string MasterKey = "test-master-key-0123456789";
    public const string HistoryLinkSecret = "test-history-link-secret-0123456789abcdef";

    private readonly PostgresTestDatabase _database = new();
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "funcledger-standalone-" + Guid.NewGuid().ToString("N")[..12]);
    private WebApplication? _app;

    public HttpClient Client { get; private set; } = new();

    public QueueClient Queue { get; private set; } = null!;

    public QueueClient Poison { get; private set; } = null!;

    public LogCapture Logs { get; } = new();

    public IServiceProvider Services => _app?.Services ?? throw new InvalidOperationException("Not started.");

    public string ConnectionString => _database.ConnectionString;

    public static string RepositoryRoot => TestPaths.RepositoryRoot;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        Directory.CreateDirectory(_folder);
        var hostJson = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(RepositoryRoot, "host.json")))!;
        hostJson["extensions"]!["queues"]!["visibilityTimeout"] = "00:00:00.200";
        hostJson["extensions"]!["queues"]!["maxPollingInterval"] = "00:00:00.200";
        var hostJsonPath = Path.Combine(_folder, "host.json");
        await File.WriteAllTextAsync(hostJsonPath, hostJson.ToJsonString());

        var azurite = TestServers.Azurite;
        var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        Queue = new QueueClient(azurite, PayoutQueue.Name, options);
        Poison = new QueueClient(azurite, PayoutQueue.PoisonName, options);
        await Queue.CreateIfNotExistsAsync();
        await Poison.CreateIfNotExistsAsync();

        _app = StandaloneHost.Build(
            new StandaloneHost.Options(false, null,
            [
                "--urls=http://127.0.0.1:0",
                $"--{StandaloneHost.HostJsonSetting}={hostJsonPath}",
                $"--{FunctionKeys.FunctionKeysSetting}=other-function-key-0000000,{FunctionKey}",
                $"--{FunctionKeys.MasterKeySetting}={MasterKey}",
                "--Ledger:Provider=postgres",
                $"--ConnectionStrings:Ledger={_database.ConnectionString}",
                $"--AzureWebJobsStorage={azurite}",
                "--ReconcileSchedule=0 0 3 * * *",
                "--HoldExpirySchedule=0 * * * * *",
                $"--HistoryLinks:Secret={HistoryLinkSecret}",
            ]),
            builder => builder.Logging.AddProvider(Logs));
        await _app.StartAsync();
        Client = new HttpClient { BaseAddress = new Uri(_app.Urls.First()) };
    }

    /// <summary>An empty ledger and empty queues for the next test.</summary>
    public async Task ResetAsync()
    {
        await _database.CreateAsync();
        await Queue.ClearMessagesAsync();
        await Poison.ClearMessagesAsync();
    }

    public Task<long> ScalarAsync(string sql) => Sql.ScalarAsync(Core.Persistence.LedgerProvider.Postgres, _database.ConnectionString, sql);

    public Task<string?> ScalarTextAsync(string sql) =>
        Sql.ScalarTextAsync(Core.Persistence.LedgerProvider.Postgres, _database.ConnectionString, sql);

    public Task ExecuteAsync(string sql) => Sql.ExecuteAsync(Core.Persistence.LedgerProvider.Postgres, _database.ConnectionString, sql);

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? body = null, string? key = FunctionKey,
        string? idempotencyKey = null, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        if (key is not null)
        {
            request.Headers.Add(FunctionKeys.Header, key);
        }

        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return await Client.SendAsync(request);
    }

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    /// <summary>Polls until <paramref name="condition"/> holds; fails after <paramref name="timeout"/>.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out after {timeout.TotalSeconds} s waiting for: {what}");
            }

            await Task.Delay(100);
        }
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        await _database.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class StandaloneCollection : ICollectionFixture<StandaloneFixture>
{
    public const string Name = "standalone";
}
