using System.Data.Common;
using FuncLedger.Core.Domain;
using FuncLedger.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace FuncLedger.Core.Maintenance;

/// <summary>The database's state as the health probe and the operators see it.</summary>
/// <param name="Provider"><c>sqlite</c>, <c>postgres</c> or <c>sqlserver</c>.</param>
/// <param name="PendingMigrations">The provider's migrations not applied yet, in order; empty when current.</param>
/// <param name="KnownMigrations">Every migration the provider's migrations assembly holds.</param>
public sealed record LedgerStatus(string Provider, IReadOnlyList<string> PendingMigrations, int KnownMigrations)
{
    /// <summary>True when no migration at all has been applied.</summary>
    public bool Unmigrated => PendingMigrations.Count == KnownMigrations;
}

/// <summary>
/// What hosts and operators do to the database itself: probe it, migrate it, count it. A probe that fails on the database
/// for any reason (cannot connect, times out, refuses the query) reports it as <see cref="LedgerUnavailableException"/>,
/// the same exception every ledger operation raises for an unreachable database.
/// </summary>
public interface ILedgerMaintenance
{
    /// <summary><c>sqlite</c>, <c>postgres</c> or <c>sqlserver</c>.</summary>
    string Provider { get; }

    /// <summary>The provider and its pending migrations; <see cref="LedgerUnavailableException"/> when unreachable.</summary>
    Task<LedgerStatus> StatusAsync(CancellationToken cancellationToken = default);

    /// <summary>Applies the pending migrations (never EnsureCreated) and returns the ids applied.</summary>
    Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken = default);

    /// <summary>How many wallets and entries the ledger holds.</summary>
    Task<(long Wallets, long Entries)> CountAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Readies a new process for its first operation: EF Core's services and model, and the first pooled connection (on
    /// PostgreSQL and SQL Server: TCP, TLS, sign-in), side by side instead of one after the other as the first operation
    /// would. Best effort: it never fails on the database; the first operation reports a database that cannot be reached,
    /// as every operation does.
    /// </summary>
    Task WarmUpAsync(CancellationToken cancellationToken = default);
}

internal sealed class LedgerMaintenance(IDbContextFactory<LedgerDbContext> contexts, LedgerStore store, LedgerConnections connections)
    : ILedgerMaintenance
{
    public string Provider { get; } = store.Provider.ToString().ToLowerInvariant();

    public Task<LedgerStatus> StatusAsync(CancellationToken cancellationToken = default) => ProbeAsync(async db =>
    {
        // The history read is itself the connection check: a database that cannot be reached fails it, and ProbeAsync
        // turns that failure into LedgerUnavailableException (no second connection per health probe).
        var pending = await LedgerDatabase.PendingMigrationsAsync(db, cancellationToken);
        return new LedgerStatus(Provider, pending, LedgerDatabase.MigrationIds(store.Provider).Count);
    }, cancellationToken, probe: true);

    public Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken = default) =>
        ProbeAsync(db => LedgerDatabase.MigrateAsync(db, cancellationToken), cancellationToken);

    public Task<(long Wallets, long Entries)> CountAsync(CancellationToken cancellationToken = default) => ProbeAsync(async db =>
        (await db.Wallets.LongCountAsync(cancellationToken), await db.LedgerEntries.LongCountAsync(cancellationToken)), cancellationToken);

    public async Task WarmUpAsync(CancellationToken cancellationToken = default)
    {
        var model = Task.Run(async () =>
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            _ = db.Model;
            _ = db.Database.GetDbConnection();
            _ = LedgerDatabase.MigrationIds(store.Provider);
        }, cancellationToken);
        var connection = Task.Run(() => connections.OpenAheadAsync(cancellationToken), cancellationToken);
        try
        {
            await Task.WhenAll(model, connection);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Best effort (see the interface): the operation that follows meets the same failure and reports it.
        }
    }

    /// <param name="probe">A health probe: any failure of the database's client (an InvalidOperationException too, such as a
    /// closed or broken connection) means unreachable.</param>
    private async Task<T> ProbeAsync<T>(Func<LedgerDbContext, Task<T>> work, CancellationToken cancellationToken, bool probe = false)
    {
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            return await work(db);
        }
        catch (Exception e) when (e is DbException or TimeoutException or System.Net.Sockets.SocketException
            or InvalidOperationException { InnerException: DbException or TimeoutException } || (probe && e is InvalidOperationException))
        {
            throw new LedgerUnavailableException(e);
        }
    }
}
