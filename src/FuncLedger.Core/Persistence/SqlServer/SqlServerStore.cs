using FuncLedger.Core.Persistence.Commands;

namespace FuncLedger.Core.Persistence.SqlServer;

/// <summary>SQL Server and Azure SQL (production). No engine runs here, so its text is parsed and checked by tests.</summary>
internal sealed class SqlServerStore : LedgerStore
{
    public static readonly SqlServerStore Instance = new();

    private SqlServerStore()
    {
    }

    public override LedgerProvider Provider => LedgerProvider.SqlServer;

    public override DatabaseErrors Errors => SqlServerErrors.Instance;

    public override LookupAndLockCommand LookupAndLock { get; } = new SqlServerLookupAndLockCommand();

    public override CreateWalletCommand CreateWallet { get; } = new SqlServerCreateWalletCommand();

    public override WriteCommand Write { get; } = new SqlServerRowWriteCommand();

    public override LockSumSetCommand LockSumSet { get; } = new SqlServerLockSumSetCommand();

    public override AppliedMigrationsCommand AppliedMigrations { get; } =
        new("SELECT [MigrationId] FROM [__EFMigrationsHistory];", SqlServerErrors.Instance);
}
