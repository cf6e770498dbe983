using Azure.Core;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using FuncLedger.Core.Diagnostics;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace FuncLedger.Functions;

/// <summary>
/// The app's metrics and traces: the ledger's meter and activity source (<see cref="LedgerTelemetry"/>) with the database
/// drivers' spans under each operation; exported to Azure Monitor when <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set
/// (signed in with the app's managed identity, since the Bicep turns local auth off) and over OTLP when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set. Without either, nothing is collected.
/// </summary>
public static class FunctionsTelemetry
{
    public const string AppInsightsSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>How the Functions host signs in to Application Insights: <c>Authorization=AAD</c>, with the
    /// user-assigned identity's <c>ClientId=...</c> (the Bicep sets it); the worker's exporter reads the same setting.</summary>
    public const string AppInsightsAuthenticationSetting = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>Registers the telemetry; <paramref name="worker"/> adds the Functions worker's own defaults (invocation
    /// spans and the host's correlation), which only the isolated worker has. <paramref name="configure"/> lets a test add
    /// an exporter of its own.</summary>
    public static IServiceCollection AddFuncLedgerTelemetry(this IServiceCollection services, IConfiguration configuration,
        bool worker, Action<OpenTelemetryBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var appInsights = configuration[AppInsightsSetting];
        var otlp = configuration[OtlpEndpointSetting];
        if (string.IsNullOrWhiteSpace(appInsights) && string.IsNullOrWhiteSpace(otlp) && configure is null && !worker)
        {
            return services;
        }

        var telemetry = services.AddOpenTelemetry();
        if (worker)
        {
            telemetry.UseFunctionsWorkerDefaults();
        }

        telemetry
            .WithMetrics(metrics => metrics.AddMeter(LedgerTelemetry.Name))
            .WithTracing(tracing => tracing.AddSource(LedgerTelemetry.Name).AddNpgsql().AddSqlClientInstrumentation());
        if (!string.IsNullOrWhiteSpace(appInsights))
        {
            var credential = Credential(configuration[AppInsightsAuthenticationSetting]);
            telemetry.UseAzureMonitorExporter(o =>
            {
                o.ConnectionString = appInsights;
                o.Credential = credential;
            });
        }

        if (!string.IsNullOrWhiteSpace(otlp))
        {
            telemetry.UseOtlpExporter();
        }

        configure?.Invoke(telemetry);
        return services;
    }

    /// <summary>The managed identity named by the authentication string (<c>Authorization=AAD;ClientId=...</c>): a
    /// user-assigned identity with a client id, the system-assigned one without; null (the connection string's key) when
    /// the setting is absent.</summary>
    public static TokenCredential? Credential(string? authentication)
    {
        if (string.IsNullOrWhiteSpace(authentication))
        {
            return null;
        }

        var parts = authentication.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => p[1], StringComparer.OrdinalIgnoreCase);
        if (!parts.TryGetValue("Authorization", out var authorization) || !authorization.Equals("AAD", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"{AppInsightsAuthenticationSetting} must say Authorization=AAD (and ClientId=...).");
        }

        return parts.TryGetValue("ClientId", out var clientId) && !string.IsNullOrWhiteSpace(clientId)
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned);
    }
}
