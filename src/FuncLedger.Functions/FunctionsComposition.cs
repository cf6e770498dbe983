using Azure.Monitor.OpenTelemetry.Exporter;
using FuncLedger.Core;
using FuncLedger.Functions.Http;
using FuncLedger.Functions.Queue;
using FuncLedger.Functions.Timer;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;

namespace FuncLedger.Functions;

/// <summary>The composition every host of the function classes shares (the Functions worker and Standalone).</summary>
public static class FunctionsComposition
{
    public const string AppInsightsSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>The core (provider from <c>Ledger:Provider</c>, <c>ConnectionStrings:Ledger</c>) and the adapters.</summary>
    public static IServiceCollection AddFuncLedgerFunctions(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var reconcile = new ReconcileOptions();
        configuration.GetSection(ReconcileOptions.Section).Bind(reconcile);
        services.AddLedgerCore(configuration);
        services.AddSingleton(reconcile);
        services.AddSingleton<InFlightKeys>();
        services.AddSingleton<HttpErrors>();
        services.AddSingleton<LedgerHttp>();
        services.AddLedgerPayouts();
        services.AddSingleton<PayoutProcessor>();
        return services;
    }

    /// <summary>OpenTelemetry with the worker's defaults; exported to Azure Monitor when a connection string is set.</summary>
    public static IServiceCollection AddFuncLedgerTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var telemetry = services.AddOpenTelemetry().UseFunctionsWorkerDefaults();
        if (!string.IsNullOrWhiteSpace(configuration[AppInsightsSetting]))
        {
            telemetry.UseAzureMonitorExporter();
        }

        return services;
    }
}
