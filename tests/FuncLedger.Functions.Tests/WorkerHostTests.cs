using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FuncLedger.Functions.Tests;

/// <summary>The isolated worker as Program builds it: it logs with host.json's levels, like Standalone.</summary>
public sealed class WorkerHostTests
{
    // The worker reads its settings from the environment, as on Azure; it refuses to start without a history-link secret.
    static WorkerHostTests() =>
        Environment.SetEnvironmentVariable("HistoryLinks__Secret", "worker-test-history-link-secret-0123456789");

    [Fact]
    public void The_worker_logs_with_host_jsons_levels_so_ef_core_commands_stay_out_of_the_exported_logs()
    {
        using var worker = WorkerHost.CreateBuilder([]).Build();
        var loggers = worker.Services.GetRequiredService<ILoggerFactory>();

        Assert.False(loggers.CreateLogger("Microsoft.EntityFrameworkCore.Database.Command").IsEnabled(LogLevel.Information));
        Assert.True(loggers.CreateLogger("Microsoft.EntityFrameworkCore.Database.Command").IsEnabled(LogLevel.Warning));
        Assert.False(loggers.CreateLogger("Microsoft.AspNetCore.Hosting.Diagnostics").IsEnabled(LogLevel.Information));
        Assert.True(loggers.CreateLogger("FuncLedger.Core.Operations.Ledger").IsEnabled(LogLevel.Information));
        Assert.False(loggers.CreateLogger("FuncLedger.Core.Operations.Ledger").IsEnabled(LogLevel.Debug));
    }

    [Fact]
    public void A_level_set_in_the_environment_wins_over_host_json()
    {
        var settings = HostLogging.Settings(Path.Combine(AppContext.BaseDirectory, "host.json"));

        Assert.Contains(new KeyValuePair<string, string?>("Logging:LogLevel:Microsoft.EntityFrameworkCore", "Warning"), settings);
        Assert.Contains(new KeyValuePair<string, string?>("Logging:LogLevel:Default", "Information"), settings);
        Assert.Empty(HostLogging.Settings(Path.Combine(AppContext.BaseDirectory, "no-such-host.json")));
        var configuration = new Microsoft.Extensions.Configuration.ConfigurationManager();
        configuration["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Information";
        HostLogging.Apply(configuration, Path.Combine(AppContext.BaseDirectory, "host.json"));
        Assert.Equal("Information", configuration["Logging:LogLevel:Microsoft.EntityFrameworkCore"]);
        Assert.Equal("Warning", configuration["Logging:LogLevel:Microsoft"]);
    }

    [Fact]
    public void The_worker_exports_to_azure_monitor_with_its_managed_identity_and_over_otlp_when_both_are_configured()
    {
        Environment.SetEnvironmentVariable(FunctionsTelemetry.AppInsightsSetting,
            "InstrumentationKey=00000000-0000-0000-0000-000000000001;IngestionEndpoint=http://127.0.0.1:9/");
        Environment.SetEnvironmentVariable(FunctionsTelemetry.AppInsightsAuthenticationSetting, "ClientId=11111111-2222-3333-4444-555555555555;Authorization=AAD");
        Environment.SetEnvironmentVariable(FunctionsTelemetry.OtlpEndpointSetting, "http://127.0.0.1:9");
        try
        {
            using var worker = WorkerHost.CreateBuilder([]).Build();

            Assert.NotNull(worker.Services.GetService<OpenTelemetry.Metrics.MeterProvider>());
            Assert.NotNull(worker.Services.GetService<OpenTelemetry.Trace.TracerProvider>());
            var exporters = worker.Services.GetServices<Microsoft.Extensions.Options.IConfigureOptions<Azure.Monitor.OpenTelemetry.Exporter.AzureMonitorExporterOptions>>();
            var options = new Azure.Monitor.OpenTelemetry.Exporter.AzureMonitorExporterOptions();
            foreach (var configure in exporters)
            {
                configure.Configure(options);
            }

            Assert.IsType<Azure.Identity.ManagedIdentityCredential>(options.Credential);
        }
        finally
        {
            Environment.SetEnvironmentVariable(FunctionsTelemetry.AppInsightsSetting, null);
            Environment.SetEnvironmentVariable(FunctionsTelemetry.AppInsightsAuthenticationSetting, null);
            Environment.SetEnvironmentVariable(FunctionsTelemetry.OtlpEndpointSetting, null);
        }
    }

    [Fact]
    public void The_authentication_string_names_the_identity_and_a_key_based_one_is_refused()
    {
        Assert.Null(FunctionsTelemetry.Credential(null));
        Assert.IsType<Azure.Identity.ManagedIdentityCredential>(FunctionsTelemetry.Credential("Authorization=AAD"));
        Assert.IsType<Azure.Identity.ManagedIdentityCredential>(FunctionsTelemetry.Credential("ClientId=abc;Authorization=aad"));
        Assert.Throws<InvalidOperationException>(() => FunctionsTelemetry.Credential("ClientId=abc"));
    }
}
