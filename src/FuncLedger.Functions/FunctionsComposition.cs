using FuncLedger.Core;
using FuncLedger.Functions.Http;
using FuncLedger.Functions.Queue;
using FuncLedger.Functions.Timer;
using FuncLedger.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FuncLedger.Functions;

/// <summary>The composition every host of the function classes shares (the Functions worker and Standalone).</summary>
public static class FunctionsComposition
{
    /// <summary>The core (provider from <c>Ledger:Provider</c>, <c>ConnectionStrings:Ledger</c>) and the adapters.</summary>
    public static IServiceCollection AddFuncLedgerFunctions(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var reconcile = new ReconcileOptions();
        configuration.GetSection(ReconcileOptions.Section).Bind(reconcile);
        services.AddLedgerCore(configuration);
        services.AddLedgerWarmUp();
        services.AddSingleton(reconcile);
        services.AddSingleton<InFlightKeys>();
        services.AddSingleton<HttpErrors>();
        services.AddSingleton<LedgerHttp>();
        services.AddLedgerPayouts();
        var payouts = new PayoutRetryOptions();
        configuration.GetSection(PayoutRetryOptions.Section).Bind(payouts);
        payouts.Validate();
        services.AddSingleton(payouts);
        services.AddSingleton<PayoutProcessor>();
        services.AddSingleton(sp => PayoutQueues.FromConfiguration(configuration));
        services.AddSingleton<IPayoutRedelivery>(sp => sp.GetRequiredService<PayoutQueues>());
        var historyLinks = new HistoryLinkOptions();
        configuration.GetSection(HistoryLinkOptions.Section).Bind(historyLinks);
        historyLinks.Validate();
        services.AddSingleton(historyLinks);
        services.AddSingleton<HistoryLinks>();
        return services;
    }
}
