using FuncLedger.TestSupport;
using System.Data.Common;
using FuncLedger.Core;
using FuncLedger.Core.Operations;
using FuncLedger.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FuncLedger.Core.Tests.Infrastructure;

/// <summary>A migrated, empty ledger on a real database, with raw SQL access for the assertions.</summary>
public sealed class LedgerHarness : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    /// <param name="interceptor">An EF interceptor every context of the ledger gets (a test that counts commands).</param>
    /// <param name="generalPathOnly">PostgreSQL without its server-side writes: every write takes the general path.</param>
    public LedgerHarness(LedgerProvider provider, string connectionString, LedgerRetryOptions? retry = null,
        Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor? interceptor = null, bool generalPathOnly = false)
    {
        Provider = provider;
        ConnectionString = connectionString;
        Time = new SteppingTimeProvider(new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero));
        var services = new ServiceCollection()
            .AddLogging(b => b.SetMinimumLevel(LogLevel.Warning))
            .AddSingleton<TimeProvider>(Time)
            .AddSingleton<IUnitOfWorkFaults>(Faults)
            .AddLedgerCore(provider, connectionString, retry);
        if (generalPathOnly)
        {
            services.AddSingleton<LedgerStore>(Core.Persistence.Postgres.PostgresStore.GeneralPathOnly);
        }

        if (interceptor is not null)
        {
            services.ConfigureDbContext<LedgerDbContext>(o => o.AddInterceptors(interceptor));
        }

        _services = services.BuildServiceProvider();
        Ledger = _services.GetRequiredService<ILedger>();
    }

    public LedgerProvider Provider { get; }

    /// <summary>Lost answers to commits, injected while armed (<see cref="LostAnswers.Arm"/>).</summary>
    internal LostAnswers Faults { get; } = new();

    public string ConnectionString { get; }

    public SteppingTimeProvider Time { get; }

    public ILedger Ledger { get; }

    public Reconciliation.IReconciler Reconciler => _services.GetRequiredService<Reconciliation.IReconciler>();

    public IWalletAdministration Admin => _services.GetRequiredService<IWalletAdministration>();

    public Commerce.IShop Shop => _services.GetRequiredService<Commerce.IShop>();

    public Commerce.IPromos Promos => _services.GetRequiredService<Commerce.IPromos>();

    /// <summary>Wallets whose cached held coins differ from the sum of their pending holds.</summary>
    public Task<long> HeldDriftCountAsync() => ScalarAsync(InvariantSql.HeldDrift);

    public Payouts.IPayoutRejections Rejections => _services.GetRequiredService<Payouts.IPayoutRejections>();

    internal LedgerUnitOfWork UnitOfWork => _services.GetRequiredService<LedgerUnitOfWork>();

    public LedgerDbContext CreateContext() =>
        _services.GetRequiredService<IDbContextFactory<LedgerDbContext>>().CreateDbContext();

    public async Task<int> ExecuteAsync(string sql)
    {
        await using var db = CreateContext();
        return await db.Database.ExecuteSqlRawAsync(sql);
    }

    /// <summary>PostgreSQL: how many statements on this database whose text meets <paramref name="queryCondition"/> (a condition
    /// on pg_stat_activity's <c>query</c>) wait on a lock, polled every 25 ms until <paramref name="expected"/> do or 5 s
    /// pass. A race test holds a lock in another transaction and waits here until the ledger is seen waiting on it.</summary>
    public async Task<long> LockWaitersAsync(string queryCondition, long expected)
    {
        var waiting = 0L;
        for (var i = 0; i < 200 && waiting < expected; i++)
        {
            await Task.Delay(25);
            waiting = await ScalarAsync("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() "
                + $"AND wait_event_type = 'Lock' AND ({queryCondition})");
        }

        return waiting;
    }

    public async Task<long> ScalarAsync(string sql)
    {
        await using var db = CreateContext();
        await db.Database.OpenConnectionAsync();
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? 0 : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<string?> ScalarTextAsync(string sql)
    {
        await using var db = CreateContext();
        await db.Database.OpenConnectionAsync();
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync() as string;
    }

    public Task<long> SumOfEntriesAsync() => ScalarAsync("SELECT COALESCE(SUM(amount), 0) FROM ledger_entries");

    public Task<long> SumOfBalancesAsync() => ScalarAsync("SELECT COALESCE(SUM(cached_balance), 0) FROM wallets");

    public Task<long> EntryCountAsync() => ScalarAsync("SELECT COUNT(*) FROM ledger_entries");

    public Task<long> WalletCountAsync() => ScalarAsync("SELECT COUNT(*) FROM wallets");

    /// <summary>Wallets whose cached balance differs from the sum of their entries.</summary>
    public Task<long> DriftedWalletCountAsync() => ScalarAsync(InvariantSql.DriftedWallets);

    public Task<long> WalletIdAsync(long ownerId) => ScalarAsync($"SELECT id FROM wallets WHERE owner_id = {ownerId}");

    public Task<long> CachedBalanceAsync(long ownerId) => ScalarAsync($"SELECT cached_balance FROM wallets WHERE owner_id = {ownerId}");

    public Task SetOverdraftAsync(long ownerId) =>
        ExecuteAsync($"UPDATE wallets SET allow_overdraft = {TestSupport.Sql.Bool(Provider, true)} WHERE owner_id = {ownerId}");

    /// <summary>A snapshot of every balance and entry, to assert that a failed operation changed nothing.</summary>
    public async Task<string> SnapshotAsync()
    {
        await using var db = CreateContext();
        var wallets = await db.Wallets.OrderBy(w => w.Id).Select(w => $"{w.Id}:{w.OwnerId}:{w.CachedBalance}:{w.AllowOverdraft}").ToListAsync();
        var entries = await db.LedgerEntries.OrderBy(e => e.Id).Select(e => $"{e.Id}:{e.WalletId}:{e.Amount}:{e.BalanceAfter}:{e.IdempotencyKey}").ToListAsync();
        return string.Join("|", wallets) + "#" + string.Join("|", entries);
    }

    /// <summary>Makes every credit entry with reason 'inject-fault' fail inside the database, mid-operation.</summary>
    public Task InstallFaultTriggerAsync() => Provider switch
    {
        LedgerProvider.Postgres => ExecuteAsync("""
            CREATE OR REPLACE FUNCTION test_inject_fault() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'injected fault'; END $$;
            DROP TRIGGER IF EXISTS trg_test_inject_fault ON ledger_entries;
            CREATE TRIGGER trg_test_inject_fault BEFORE INSERT ON ledger_entries FOR EACH ROW
            WHEN (NEW.reason = 'inject-fault' AND NEW.amount > 0) EXECUTE FUNCTION test_inject_fault();
            """),
        LedgerProvider.SqlServer => ExecuteAsync("""
            CREATE OR ALTER TRIGGER trg_test_inject_fault ON ledger_entries AFTER INSERT AS
            IF EXISTS (SELECT 1 FROM inserted WHERE reason = 'inject-fault' AND amount > 0) THROW 50000, 'injected fault', 1;
            """),
        _ => ExecuteAsync("""
            CREATE TRIGGER trg_test_inject_fault BEFORE INSERT ON ledger_entries
            WHEN NEW.reason = 'inject-fault' AND NEW.amount > 0 BEGIN SELECT RAISE(ABORT, 'injected fault'); END;
            """),
    };

    public static bool IsInjectedFault(Exception e) => e is DbException && e.Message.Contains("injected fault", StringComparison.Ordinal);

    public async ValueTask DisposeAsync() => await _services.DisposeAsync();
}
