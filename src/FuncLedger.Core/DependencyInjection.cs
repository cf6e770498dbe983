using Azure.Core;
using FuncLedger.Core.Commerce;
using FuncLedger.Core.Maintenance;
using FuncLedger.Core.Operations;
using FuncLedger.Core.Payouts;
using FuncLedger.Core.Persistence;
using FuncLedger.Core.Persistence.Postgres;
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
        var postgres = new PostgresConnectionOptions();
        configuration.GetSection($"{Section}:Postgres").Bind(postgres);
        var holds = new Domain.LedgerHoldOptions();
        configuration.GetSection($"{Section}:Holds").Bind(holds);
        holds.Validate();
        services.AddSingleton(holds);
        var promo = new Commerce.PromoOptions();
        configuration.GetSection($"{Section}:Promo").Bind(promo);
        promo.Validate();
        services.AddSingleton(promo);
        var connection = new LedgerConnectionOptions();
        configuration.GetSection(Section).Bind(connection);
        return services.AddLedgerCore(provider, connectionString, retry, postgres, connection);
    }

    /// <summary>Registers the core for an explicit provider and connection string; on PostgreSQL,
    /// <paramref name="postgres"/> may sign in with Microsoft Entra tokens instead of the connection string's password.</summary>
    public static IServiceCollection AddLedgerCore(this IServiceCollection services, LedgerProvider provider, string? connectionString,
        LedgerRetryOptions? retry = null, PostgresConnectionOptions? postgres = null, LedgerConnectionOptions? connection = null)
    {
        postgres ??= new PostgresConnectionOptions();
        postgres.Validate();
        var credential = provider == LedgerProvider.Postgres && postgres.UsesEntra
            ? PostgresEntraAuthentication.Credential(postgres)
            : null;
        return services.AddLedgerCore(provider, connectionString, retry, credential, connection);
    }

    /// <summary>The core, signing in to PostgreSQL with <paramref name="entraCredential"/>'s tokens when it is given.</summary>
    internal static IServiceCollection AddLedgerCore(this IServiceCollection services, LedgerProvider provider, string? connectionString,
        LedgerRetryOptions? retry, TokenCredential? entraCredential, LedgerConnectionOptions? connection = null)
    {
        retry ??= new LedgerRetryOptions();
        retry.Validate();
        connection ??= new LedgerConnectionOptions();
        connection.Validate();
        services.AddSingleton(connection);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(new Domain.LedgerHoldOptions());
        if (entraCredential is not null)
        {
            // One data source for the process: it owns the pool and the token refresh. The container disposes it.
            var dataSource = PostgresEntraAuthentication.DataSource(
                connectionString ?? throw new InvalidOperationException("ConnectionStrings:Ledger is required for postgres."),
                entraCredential, connection);
            services.AddSingleton(dataSource);
            services.AddSingleton(LedgerConnections.For(dataSource));
            services.AddPooledDbContextFactory<LedgerDbContext>(o => LedgerDatabase.Configure(o, dataSource));
        }
        else
        {
            services.AddSingleton(LedgerConnections.For(provider, connectionString, connection));
            services.AddPooledDbContextFactory<LedgerDbContext>(o => LedgerDatabase.Configure(o, provider, connectionString, connection));
        }

        services.AddSingleton(LedgerStore.For(provider));
        services.AddSingleton(retry);
        services.AddSingleton<LedgerUnitOfWork>();
        services.AddSingleton<LedgerWrites>();
        services.AddSingleton<PostingService>();
        services.AddSingleton<Holds>();
        services.AddSingleton<HoldClosing>();
        services.AddSingleton<HoldExpiry>();
        services.AddSingleton<Reversals>();
        services.AddSingleton<LedgerQueries>();
        services.AddSingleton<Ledger>();
        services.AddSingleton<ILedger>(sp => sp.GetRequiredService<Ledger>());
        services.AddSingleton<IReconciler, Reconciler>();
        services.AddSingleton<IWalletAdministration, WalletAdministration>();
        services.AddSingleton<IPayoutRejections, PayoutRejections>();
        services.AddSingleton<ILedgerMaintenance, LedgerMaintenance>();
        services.AddSingleton<IHistoryLinkEpochs, HistoryLinkEpochs>();
        services.AddSingleton<ShopCatalog>();
        services.AddSingleton<ShopPurchases>();
        services.AddSingleton<ShopRefunds>();
        services.AddSingleton<ShopConsumptions>();
        services.AddSingleton<ShopQueries>();
        services.AddSingleton<ShopCheckouts>();
        services.AddSingleton<CheckoutClosing>();
        services.AddSingleton<IShop, Shop>();
        services.TryAddSingleton(new PromoOptions());
        services.AddSingleton<PromoCampaigns>();
        services.AddSingleton<PromoRedemptions>();
        services.AddSingleton<PromoRevocations>();
        services.AddSingleton<IPromos, Promos>();
        return services;
    }

    /// <summary>Warms the core up when the host starts (<see cref="ILedgerMaintenance.WarmUpAsync"/>), in the background:
    /// the host does not wait for it, and the first request finds EF Core's model built and a connection open.</summary>
    public static IServiceCollection AddLedgerWarmUp(this IServiceCollection services)
    {
        services.AddHostedService<LedgerWarmUp>();
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
