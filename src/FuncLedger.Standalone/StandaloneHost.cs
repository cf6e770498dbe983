using System.Text.Json;
using FuncLedger.Core.Maintenance;
using FuncLedger.Functions;
using FuncLedger.Functions.Contracts;
using FuncLedger.Functions.Http;
using FuncLedger.Hosting;
using Microsoft.Azure.Functions.Worker;

namespace FuncLedger.Standalone;

/// <summary>
/// Serves the function app's classes without the Functions host: Kestrel on the routes, methods and auth levels of
/// the [HttpTrigger] attributes under host.json's route prefix, a storage-queue listener per [QueueTrigger] and a
/// scheduler per [TimerTrigger]. Settings come from the command line, then environment variables, then a
/// local.settings.json-style file (<c>--settings</c>), as <c>func start</c> reads them.
/// </summary>
public static class StandaloneHost
{
    public const string DefaultUrl = "http://localhost:7071";
    public const string HostJsonSetting = "Standalone:HostJson";

    /// <summary>Options of the Standalone command line that are not configuration.</summary>
    public sealed record Options(bool Migrate, string? SettingsFile, string[] HostArgs);

    public static Options ParseArgs(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var migrate = false;
        string? settings = null;
        var rest = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--migrate":
                    migrate = true;
                    break;
                case "--settings" when i + 1 < args.Length:
                    settings = args[++i];
                    break;
                default:
                    rest.Add(args[i]);
                    break;
            }
        }

        return new Options(migrate, settings, [.. rest]);
    }

    public static WebApplication Build(Options options, Action<WebApplicationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        // The content root is the app's own folder, and configuration files are not watched: the default would watch
        // the working directory recursively (a repository with node_modules and Azurite's data), which cost about 8%
        // of the CPU under load. Settings are read once at start, as `func start` does.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = [.. options.HostArgs, "--hostBuilder:reloadConfigOnChange=false"],
            ContentRootPath = AppContext.BaseDirectory,
        });
        if (options.SettingsFile is not null)
        {
            AddLocalSettings(builder.Configuration, options.SettingsFile);
        }

        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        var hostJsonPath = builder.Configuration[HostJsonSetting] ?? Path.Combine(AppContext.BaseDirectory, "host.json");
        var hostJson = HostJson.Load(hostJsonPath);
        // host.json's log levels, unless the command line or environment set a level itself: the worker's own rule.
        HostLogging.Apply(builder.Configuration, hostJsonPath);
        builder.Services.AddSingleton(hostJson);
        builder.Services.AddSingleton(new FunctionKeys(
            (builder.Configuration[FunctionKeys.FunctionKeysSetting] ?? "").Split(','),
            builder.Configuration[FunctionKeys.MasterKeySetting] ?? ""));
        builder.Services.AddFuncLedgerFunctions(builder.Configuration);
        builder.Services.AddFuncLedgerTelemetry(builder.Configuration, worker: false);
        var catalog = CheckedCatalog(builder.Configuration);
        builder.Services.AddSingleton(catalog);
        foreach (var queue in catalog.Queues)
        {
            builder.Services.AddSingleton(sp => ActivatorUtilities.CreateInstance<QueueListener>(sp, queue));
        }

        foreach (var timer in catalog.Timers)
        {
            builder.Services.AddSingleton(sp => ActivatorUtilities.CreateInstance<TimerScheduler>(sp, timer));
        }

        builder.Services.AddHostedService(sp => new HostedGroup(sp.GetServices<QueueListener>(), sp.GetServices<TimerScheduler>()));
        configure?.Invoke(builder);

        var app = builder.Build();
        // Nothing internal leaves the server: the same problem the functions write for an unexpected failure.
        app.UseExceptionHandler(error => error.Run(context =>
        {
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return WriteProblemAsync(context, ProblemCodes.InternalError, "The request failed.");
        }));

        // The host's own answers (no key, no route, wrong method) are problem documents like every other error.
        app.UseStatusCodePages(status =>
        {
            var code = status.HttpContext.Response.StatusCode switch
            {
                StatusCodes.Status401Unauthorized => ProblemCodes.Unauthorized,
                StatusCodes.Status404NotFound => ProblemCodes.NotFound,
                StatusCodes.Status405MethodNotAllowed => ProblemCodes.MethodNotAllowed,
                _ => null,
            };
            return code is null ? Task.CompletedTask : WriteProblemAsync(status.HttpContext, code, ProblemCodes.Title[code] + ".");
        });
        MapFunctions(app, catalog, hostJson);
        return app;
    }

    /// <summary>The functions of functions.metadata (the file the Functions host reads), after the host's own start-up rules
    /// (<see cref="HostRules"/>): what the host would refuse, Standalone refuses too, before it serves anything.</summary>
    private static FunctionCatalog CheckedCatalog(ConfigurationManager configuration)
    {
        var path = configuration[FunctionsMetadata.PathSetting] ?? Path.Combine(AppContext.BaseDirectory, FunctionsMetadata.FileName);
        var functions = FunctionsMetadata.Load(path);
        var settings = configuration.AsEnumerable().ToDictionary(s => s.Key, s => s.Value, StringComparer.OrdinalIgnoreCase);
        var problems = HostRules.Check(functions, settings);
        if (problems.Count > 0)
        {
            var more = problems.Count > 1 ? $" (and {problems.Count - 1} more)" : "";
            var first = problems[0].StartsWith("Set ", StringComparison.Ordinal) ? problems[0]
                : "the Functions host would refuse this app: " + problems[0];
            throw new InvalidOperationException($"{first}{more}.");
        }

        return FunctionCatalog.From(functions, typeof(WalletFunctions).Assembly);
    }

    private static Task WriteProblemAsync(HttpContext context, string code, string detail)
    {
        context.Response.ContentType = LedgerHttp.ProblemContentType;
        return JsonSerializer.SerializeAsync(context.Response.Body,
            HttpProblems.Create(code, detail, HttpProblems.InstanceOf(context)), FuncLedgerJson.Default.Problem);
    }

    /// <summary>Builds every queue listener and timer now, so a missing or bad setting (a connection, a schedule) is an
    /// error before the server starts, not a host failure after it.</summary>
    public static void ValidateSettings(IServiceProvider services)
    {
        _ = services.GetServices<QueueListener>().ToList();
        _ = services.GetServices<TimerScheduler>().ToList();
    }

    /// <summary>Applies the configured provider's pending migrations.</summary>
    public static async Task<IReadOnlyList<string>> MigrateAsync(IServiceProvider services, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(services);
        return await services.GetRequiredService<ILedgerMaintenance>().MigrateAsync(cancellationToken);
    }

    private static void MapFunctions(WebApplication app, FunctionCatalog catalog, HostJson hostJson)
    {
        var prefix = hostJson.RoutePrefix.Length == 0 ? "" : "/" + hostJson.RoutePrefix;
        foreach (var function in catalog.Http)
        {
            var methods = function.Methods.Select(m => m.ToUpperInvariant());
            app.MapMethods(prefix + "/" + function.Route.TrimStart('/'), methods, async context =>
            {
                if (!context.RequestServices.GetRequiredService<FunctionKeys>().IsAuthorized(context.Request, function.AuthLevel))
                {
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    return;
                }

                await FunctionInvoker.InvokeHttpAsync(context, function);
            }).WithName(function.Name);
        }

        // The Functions host's admin API for running a non-HTTP function now (master key), e.g. the nightly timer.
        app.MapPost("/admin/functions/{name}", async (HttpContext context, string name) =>
        {
            if (!context.RequestServices.GetRequiredService<FunctionKeys>().IsAuthorized(context.Request, AuthorizationLevel.Admin))
            {
                return Results.StatusCode(StatusCodes.Status401Unauthorized);
            }

            var timer = context.RequestServices.GetServices<TimerScheduler>()
                .FirstOrDefault(t => string.Equals(t.Function.Name, name, StringComparison.OrdinalIgnoreCase));
            if (timer is null)
            {
                return Results.NotFound();
            }

            await timer.RunOnceAsync(pastDue: false, context.RequestAborted);
            return Results.StatusCode(StatusCodes.Status202Accepted);
        });
    }

    /// <summary>Adds the <c>Values</c> of a local.settings.json-style file for every key not already configured
    /// (so the command line and environment variables win, as with <c>func start</c>).</summary>
    public static void AddLocalSettings(ConfigurationManager configuration, string path)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        configuration.AddInMemoryCollection([.. LocalSettings.Read(path).Where(v => configuration[v.Key] is null)]);
    }

    /// <summary>Starts every listener and scheduler with the app and stops them with it.</summary>
    private sealed class HostedGroup(IEnumerable<QueueListener> queues, IEnumerable<TimerScheduler> timers) : IHostedService
    {
        private readonly IHostedService[] _services = [.. queues, .. timers];

        public async Task StartAsync(CancellationToken cancellationToken)
        {
            foreach (var service in _services)
            {
                await service.StartAsync(cancellationToken);
            }
        }

        public Task StopAsync(CancellationToken cancellationToken) =>
            Task.WhenAll(_services.Select(s => s.StopAsync(cancellationToken)));
    }
}
