using FuncLedger.Core.Domain;
using FuncLedger.Core.Maintenance;
using FuncLedger.Core.Persistence;
using FuncLedger.Core.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace FuncLedger.Core.Tests.Persistence;

/// <summary>
/// The warm-up a new process runs (the CLI before each command, the function app when its host starts): the first
/// connection is opened beside EF Core's model, from the very pool the ledger's operations draw from, so the first
/// operation finds it open; a database that cannot be reached fails the operation, never the warm-up.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class WarmUpPostgresTests(PostgresDatabaseFixture database) : LedgerTestBase(database)
{
    [Fact]
    public async Task The_connection_a_warm_up_opens_is_the_one_the_first_operation_uses()
    {
        // A pool of its own, told apart on the server by its application name.
        var application = "warm-up-" + Guid.NewGuid().ToString("N")[..12];
        var connectionString = new NpgsqlConnectionStringBuilder(Db.ConnectionString) { ApplicationName = application }.ToString();
        await using var services = Services(connectionString);
        var maintenance = services.GetRequiredService<ILedgerMaintenance>();

        await maintenance.WarmUpAsync();
        Assert.Equal(1, await ConnectionsAsync(application));

        // Had the warm-up opened its connection from another pool, the operation would open a second one.
        var status = await maintenance.StatusAsync();
        Assert.Empty(status.PendingMigrations);
        await services.GetRequiredService<Operations.ILedger>().CreditAsync(
            new CreditCommand(OwnerId.From(7), Coins.From(5), "warm", IdempotencyKey.From("warm-up-credit")));
        Assert.Equal(1, await ConnectionsAsync(application));
        Assert.Equal(5, await Db.CachedBalanceAsync(7));
    }

    [Fact]
    public async Task A_warm_up_on_a_database_that_cannot_be_reached_leaves_the_failure_to_the_operation()
    {
        var unreachable = new NpgsqlConnectionStringBuilder(Db.ConnectionString) { Port = 1, Timeout = 2 }.ToString();
        await using var services = Services(unreachable);
        var maintenance = services.GetRequiredService<ILedgerMaintenance>();

        await maintenance.WarmUpAsync();

        await Assert.ThrowsAsync<LedgerUnavailableException>(() => maintenance.StatusAsync());
    }

    [Fact]
    public async Task A_cancelled_warm_up_says_so()
    {
        await using var services = Services(Db.ConnectionString);
        using var cancel = new CancellationTokenSource();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => services.GetRequiredService<ILedgerMaintenance>().WarmUpAsync(cancel.Token));
    }

    [Fact]
    public async Task The_hosts_warm_up_runs_in_the_background_and_stopping_the_host_ends_it()
    {
        var application = "warm-up-host-" + Guid.NewGuid().ToString("N")[..12];
        var connectionString = new NpgsqlConnectionStringBuilder(Db.ConnectionString) { ApplicationName = application }.ToString();
        await using var services = Services(connectionString, hosted: true);
        var warmUp = Assert.Single(services.GetServices<IHostedService>());

        await warmUp.StartAsync(CancellationToken.None);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (await ConnectionsAsync(application) == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.Equal(1, await ConnectionsAsync(application));
        await warmUp.StopAsync(CancellationToken.None);

        // A host stopped while its warm-up still runs does not wait for the database, and does not fail.
        await using var other = Services(connectionString, hosted: true);
        var stopped = Assert.Single(other.GetServices<IHostedService>());
        await stopped.StartAsync(CancellationToken.None);
        await stopped.StopAsync(CancellationToken.None);
    }

    private static ServiceProvider Services(string connectionString, bool hosted = false)
    {
        var services = new ServiceCollection().AddLogging().AddLedgerCore(LedgerProvider.Postgres, connectionString);
        return (hosted ? services.AddLedgerWarmUp() : services).BuildServiceProvider();
    }

    private Task<long> ConnectionsAsync(string application) =>
        Db.ScalarAsync($"SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = '{application}'");
}
