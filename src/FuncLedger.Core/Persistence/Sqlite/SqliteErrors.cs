using Microsoft.Data.Sqlite;

namespace FuncLedger.Core.Persistence.Sqlite;

/// <summary>SQLite's result codes: BUSY (5) and LOCKED (6) transient, CONSTRAINT_UNIQUE (2067) on the key column a key race.</summary>
internal sealed class SqliteErrors : DatabaseErrors
{
    public static readonly SqliteErrors Instance = new();

    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;
    private const int SqliteError = 1;
    private const int SqliteConstraintUnique = 2067;
    private const int SqliteConstraintPrimaryKey = 1555;

    public override DatabaseErrorClass Classify(Exception exception) => exception switch
    {
        SqliteException { SqliteErrorCode: SqliteBusy or SqliteLocked } => DatabaseErrorClass.Contention,
        _ when IsNetworkFailure(exception) => DatabaseErrorClass.Unavailable,
        _ => DatabaseErrorClass.None,
    };

    public override bool IsIdempotencyKeyViolation(Exception exception) =>
        exception is SqliteException { SqliteExtendedErrorCode: SqliteConstraintUnique or SqliteConstraintPrimaryKey } e
        && (e.Message.Contains("ledger_entries.idempotency_key", StringComparison.Ordinal)
            || e.Message.Contains("ledger_refusals.idempotency_key", StringComparison.Ordinal)
            || e.Message.Contains("ledger_holds.idempotency_key", StringComparison.Ordinal)
            || e.Message.Contains("client_keys.idempotency_key", StringComparison.Ordinal)
            || e.Message.Contains("ledger_holds.closed_key", StringComparison.Ordinal)
            || e.Message.Contains("postings.key_stem", StringComparison.Ordinal));

    // SQLITE_ERROR (1) with "no such table".
    public override bool IsUndefinedTable(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: SqliteError } e && e.Message.Contains("no such table", StringComparison.Ordinal);
}
