using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FuncLedger.Functions.Tests;

/// <summary>The isolated worker as Program builds it: it logs with host.json's levels, like Standalone.</summary>
public sealed class WorkerHostTests
{
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
}
