using System.Data.Common;
using FuncLedger.Core.Persistence.Commands;
using FuncLedger.Core.Persistence.Postgres;
using FuncLedger.Core.Persistence.Sqlite;
using FuncLedger.Core.Persistence.SqlServer;

namespace FuncLedger.Core.Persistence;

/// <summary>
/// One provider's database commands and error classification. Each command owns its SQL text, its parameters and the
/// reading of its results (<see cref="Commands"/>); the provider's folder (Postgres/, Sqlite/, SqlServer/) holds what
/// differs. The write flow that uses them is provider-neutral (<c>Operations/LedgerWriter</c>).
/// </summary>
internal abstract class LedgerStore
{
    public abstract LedgerProvider Provider { get; }

    public abstract DatabaseErrors Errors { get; }

    /// <summary>Keys and locks, one parameter per item.</summary>
    public abstract LookupAndLockCommand LookupAndLock { get; }

    public abstract CreateWalletCommand CreateWallet { get; }

    /// <summary>The write, one statement per wallet and per entry.</summary>
    public abstract WriteCommand Write { get; }

    public abstract LockSumSetCommand LockSumSet { get; }

    public abstract AppliedMigrationsCommand AppliedMigrations { get; }

    public virtual DriftScanCommand DriftScan => DriftScanCommand.Instance;

    public RecordRefusalCommand RecordRefusal => RecordRefusalCommand.Instance;

    /// <summary>
    /// When not null, the write path opens its transaction by sending this text ahead of its first command and ends it
    /// with <see cref="InlineCommit"/> behind its write, instead of separate BEGIN and COMMIT round trips.
    /// </summary>
    public virtual string? InlineBegin => null;

    public virtual string InlineCommit => "";

    /// <summary>When not null, a write without a hook, a capture, a hold and a void each run as one statement on the server
    /// first (one round trip); the general path runs only when it declines.</summary>
    public virtual IServerWrites? ServerWrites => null;

    public static LedgerStore For(LedgerProvider provider) => provider switch
    {
        LedgerProvider.Postgres => PostgresStore.Instance,
        LedgerProvider.SqlServer => SqlServerStore.Instance,
        _ => SqliteStore.Instance,
    };

    /// <summary>The lookup for an operation of <paramref name="postings"/> postings (a provider may bind arrays for many).</summary>
    public virtual LookupAndLockCommand LookupAndLockFor(int postings) => LookupAndLock;

    /// <summary>The write for an operation of <paramref name="postings"/> postings, all keyed or not.</summary>
    public virtual WriteCommand WriteFor(int postings, bool allKeyed) => Write;

    /// <summary>Creates the owner's wallet; when a concurrent first credit created it, waits for its lock like any other
    /// wallet. Either way the wallet comes back locked.</summary>
    public async Task<WalletRow> CreateOrLockWalletAsync(DbConnection connection, DbTransaction? transaction, long ownerId, DateTime now,
        CancellationToken ct)
    {
        var created = await CreateWallet.ExecuteAsync(connection, transaction, ownerId, now, ct);
        if (created is not null)
        {
            return created;
        }

        var (_, wallets) = await LookupAndLock.ExecuteAsync(connection, transaction, [], [ownerId], guarded: false, null, ct);
        return wallets.Single();
    }

    /// <summary><see cref="RollbackInlineAsync"/> after a failure: a broken or closed connection needs none (the server rolled
    /// the transaction back when it went).</summary>
    public static async Task TryRollbackInlineAsync(DbConnection connection)
    {
        try
        {
            await RollbackInlineAsync(connection, CancellationToken.None);
        }
        catch (Exception e) when (e is DbException or InvalidOperationException)
        {
            // The connection is broken or closed: the server rolled the transaction back when it went.
        }
    }

    /// <summary>Ends an inline transaction after a failure or a pure replay.</summary>
    public static async Task RollbackInlineAsync(DbConnection connection, CancellationToken ct)
    {
        await using var rollback = Sql.Create(connection, null, "ROLLBACK;");
        await rollback.ExecuteNonQueryAsync(ct);
    }
}
