using Npgsql;

namespace FuncLedger.Core.Persistence.Postgres;

/// <summary>PostgreSQL's SQLSTATEs: 40001/40P01 contention, 23505 on the key index a key race, class 08 and 57P01-57P03,
/// 53300 unavailable.</summary>
internal sealed class PostgresErrors : DatabaseErrors
{
    public static readonly PostgresErrors Instance = new();

    public override DatabaseErrorClass Classify(Exception exception) => exception switch
    {
        PostgresException { SqlState: PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected } =>
            DatabaseErrorClass.Contention,
        _ when IsConnectionFailure(exception) => DatabaseErrorClass.Unavailable,
        _ => DatabaseErrorClass.None,
    };

    public override bool IsIdempotencyKeyViolation(Exception exception) =>
        exception is PostgresException
        {
            SqlState: PostgresErrorCodes.UniqueViolation,
            ConstraintName: Commands.Sql.IdempotencyKeyIndex or Commands.Sql.RefusalKeyIndex or Commands.Sql.HoldKeyIndex
                or Commands.Sql.ClientKeyIndex or Commands.Sql.HoldClosedKeyIndex or Commands.Sql.PostingStemIndex,
        };

    public override bool IsUndefinedTable(Exception exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UndefinedTable };

    // Class 08 (connection exception), 57P01-57P03 (admin/crash shutdown, cannot connect now), 53300 (too many connections);
    // Npgsql's own state errors once the connection broke (a transaction completed under the operation).
    private static bool IsConnectionFailure(Exception exception) =>
        IsNetworkFailure(exception) || IsDriverStateError(exception, typeof(NpgsqlConnection).Assembly)
        || exception is PostgresException p && (p.SqlState.StartsWith("08", StringComparison.Ordinal)
            || p.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow
                or PostgresErrorCodes.TooManyConnections);
}
