using System.Text;
using System.Text.Json;
using FuncLedger.Core.Persistence;
using FuncLedger.Functions;
using FuncLedger.TestSupport;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FuncLedger.Functions.Tests;

/// <summary>The function app's real DI container on a real database; functions are called as the worker calls them.</summary>
public sealed class FunctionsHost : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    public const string HistoryLinkSecret = "functions-test-history-link-secret-0123456789";

    public FunctionsHost(LedgerProvider provider, string connectionString, IDictionary<string, string?>? settings = null,
        Action<IServiceCollection, IConfiguration>? configure = null)
    {
        Provider = provider;
        ConnectionString = connectionString;
        var values = new Dictionary<string, string?>
        {
            ["Ledger:Provider"] = provider.ToString(),
            ["ConnectionStrings:Ledger"] = connectionString,
            ["HistoryLinks:Secret"] = HistoryLinkSecret,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection()
            .AddLogging(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(Logs))
            .AddSingleton<IConfiguration>(configuration)
            .AddFuncLedgerFunctions(configuration);
        configure?.Invoke(services, configuration);
        _services = services.BuildServiceProvider();
        // As the worker's host does: start the hosted services (the payout writer) before any function runs.
        _hosted = [.. _services.GetServices<IHostedService>()];
        foreach (var service in _hosted)
        {
            service.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        }
    }

    private readonly IHostedService[] _hosted;

    public LedgerProvider Provider { get; }

    public string ConnectionString { get; }

    public LogCapture Logs { get; } = new();

    public IServiceProvider Services => _services;

    public T Function<T>() where T : class => ActivatorUtilities.CreateInstance<T>(_services);

    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    public Task<long> ScalarAsync(string sql) => Sql.ScalarAsync(Provider, ConnectionString, sql);

    public Task ExecuteAsync(string sql) => Sql.ExecuteAsync(Provider, ConnectionString, sql);

    /// <summary>A request as the ASP.NET Core integration hands it to a function.</summary>
    public HttpRequest Request(string method, string path, string? body = null, string? contentType = "application/json",
        IDictionary<string, string>? headers = null)
    {
        var context = new DefaultHttpContext { RequestServices = _services };
        context.Request.Method = method;
        var query = path.IndexOf('?', StringComparison.Ordinal);
        context.Request.Path = query < 0 ? path : path[..query];
        context.Request.QueryString = query < 0 ? QueryString.Empty : new QueryString(path[query..]);
        if (body is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(body);
            context.Request.Body = new MemoryStream(bytes);
            context.Request.ContentLength = bytes.Length;
            context.Request.ContentType = contentType;
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            context.Request.Headers[name] = value;
        }

        context.Response.Body = new MemoryStream();
        return context.Request;
    }

    /// <summary>Executes the function's result against its response and reads it back.</summary>
    public static async Task<Response> SendAsync(HttpRequest request, Task<IActionResult> call)
    {
        var result = await call;
        await result.ExecuteResultAsync(new ActionContext { HttpContext = request.HttpContext });
        var response = request.HttpContext.Response;
        response.Body.Position = 0;
        var text = await new StreamReader(response.Body).ReadToEndAsync();
        return new Response(response.StatusCode, response.ContentType ?? "", response.Headers.ToDictionary(h => h.Key, h => h.Value.ToString()), text);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var service in _hosted)
        {
            await service.StopAsync(CancellationToken.None);
        }

        await _services.DisposeAsync();
    }
}

public sealed record Response(int Status, string ContentType, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public string? Code => Json.TryGetProperty("code", out var c) ? c.GetString() : null;

    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;
}
