using FuncLedger.Core.Maintenance;
using FuncLedger.Core.Operations;
using FuncLedger.Core.Payouts;
using FuncLedger.Core.Persistence;
using FuncLedger.Core.Reconciliation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FuncLedger.Core;

public static class DependencyInjection
{
    /// <summary>The configuration section of the ledger (<c>Ledger:Provider</c>, <c>Ledger:Retry:*</c>).</summary>
    public const string Section = "Ledger";

    /// <summary>The connection string name (<c>ConnectionStrings:Ledger</c>).</summary>
    public const string ConnectionStringName = "Ledger";

    /// <summary>
    /// Registers the transactional core: the provider chosen by <c>Ledger:Provider</c> (sqlite | postgres | sqlserver,
    /// SQLite by default), <c>ConnectionStrings:Ledger</c>, the single retry layer, <see cref="ILedger"/>,
    /// <see cref="IReconciler"/>, <see cref="IPayoutRejections"/> and <see cref="ILedgerMaintenance"/>.
    /// </summary>
    public static IServiceCollection AddLedgerCore(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var provider = LedgerProviders.Parse(configuration[$"{Section}:Provider"]);
        var connectionString = configuration.GetConnectionString(ConnectionStringName);
        var retry = new LedgerRetryOptions();
        configuration.GetSection($"{Section}:Retry").Bind(retry);
        return services.AddLedgerCore(provider, connectionString, retry);
    }

    /// <summary>Registers the core for an explicit provider and connection string.</summary>
    public static IServiceCollection AddLedgerCore(
        this IServiceCollection services, LedgerProvider provider, string? connectionString, LedgerRetryOptions? retry = null)
    {
        retry ??= new LedgerRetryOptions();
        retry.Validate();
        services.TryAddSingleton(TimeProvider.System);
        services.AddPooledDbContextFactory<LedgerDbContext>(o => LedgerDatabase.Configure(o, provider, connectionString));
        services.AddSingleton(LedgerStore.For(provider));
        services.AddSingleton(retry);
        services.AddSingleton<LedgerUnitOfWork>();
        services.AddSingleton<ILedger, Ledger>();
        services.AddSingleton<IReconciler, Reconciler>();
        services.AddSingleton<IPayoutRejections, PayoutRejections>();
        services.AddSingleton<ILedgerMaintenance, LedgerMaintenance>();
        return services;
    }

    /// <summary>The payout writer (group commit of awards), as a singleton and a hosted service that the host starts and
    /// stops. A container without a host must start it (<c>IHostedService.StartAsync</c>) before paying awards.</summary>
    public static IServiceCollection AddLedgerPayouts(this IServiceCollection services)
    {
        services.TryAddSingleton<PayoutWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<PayoutWriter>());
        return services;
    }
}
