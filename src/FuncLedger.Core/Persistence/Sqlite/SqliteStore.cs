using FuncLedger.Core.Persistence.Commands;

namespace FuncLedger.Core.Persistence.Sqlite;

/// <summary>SQLite: one writer at a time; the unit of work holds an immediate (write) transaction, so no row lock is needed.</summary>
internal sealed class SqliteStore : LedgerStore
{
    public static readonly SqliteStore Instance = new();

    private SqliteStore()
    {
    }

    public override LedgerProvider Provider => LedgerProvider.Sqlite;

    public override DatabaseErrors Errors => SqliteErrors.Instance;

    public override LookupAndLockCommand LookupAndLock { get; } = new RowLookupAndLockCommand("", looksAgainUnderLock: false);

    public override CreateWalletCommand CreateWallet { get; } = new();

    public override WriteCommand Write { get; } = new RowWriteCommand(Sql.SqliteParametersMax);

    public override LockSumSetCommand LockSumSet { get; } = new("");

    public override AppliedMigrationsCommand AppliedMigrations { get; } =
        new("SELECT \"MigrationId\" FROM \"__EFMigrationsHistory\";", SqliteErrors.Instance);
}
