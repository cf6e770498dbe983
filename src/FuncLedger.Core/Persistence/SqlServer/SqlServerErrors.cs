using Microsoft.Data.SqlClient;

namespace FuncLedger.Core.Persistence.SqlServer;

/// <summary>SQL Server's error numbers: 1205 (deadlock victim) and 3960 (snapshot update conflict) transient, 2601/2627 on
/// the key index a key race, 208 an undefined table.</summary>
internal sealed class SqlServerErrors : DatabaseErrors
{
    public static readonly SqlServerErrors Instance = new();

    private const int Deadlock = 1205;
    private const int SnapshotConflict = 3960;
    private const int DuplicateKeyRow = 2601;
    private const int UniqueConstraint = 2627;
    private const int InvalidObjectName = 208;

    public override bool IsTransient(Exception exception) =>
        exception is SqlException { Number: Deadlock or SnapshotConflict };

    public override bool IsUndefinedTable(Exception exception) => exception is SqlException { Number: InvalidObjectName };

    public override bool IsIdempotencyKeyViolation(Exception exception) =>
        exception is SqlException { Number: DuplicateKeyRow or UniqueConstraint } e
        && e.Message.Contains(Commands.Sql.IdempotencyKeyIndex, StringComparison.Ordinal);
}
