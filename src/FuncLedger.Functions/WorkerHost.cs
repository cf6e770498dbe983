using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

namespace FuncLedger.Functions;

/// <summary>The isolated worker's builder, as <c>Program</c> runs it (and the tests build it).</summary>
public static class WorkerHost
{
    public static FunctionsApplicationBuilder CreateBuilder(string[] args)
    {
        var builder = FunctionsApplication.CreateBuilder(args);
        // The worker logs with host.json's levels too (the host applies them to its own logs only), as Standalone does.
        HostLogging.Apply(builder.Configuration, Path.Combine(AppContext.BaseDirectory, "host.json"));
        builder.ConfigureFunctionsWebApplication();
        builder.Services.AddFuncLedgerFunctions(builder.Configuration);
        builder.Services.AddFuncLedgerTelemetry(builder.Configuration, worker: true);
        return builder;
    }
}
