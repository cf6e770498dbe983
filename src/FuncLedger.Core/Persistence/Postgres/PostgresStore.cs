using FuncLedger.Core.Persistence.Commands;

namespace FuncLedger.Core.Persistence.Postgres;

/// <summary>
/// PostgreSQL: a write without a hook, a capture, a hold and a void are one round trip each
/// (<see cref="PostgresServerWrites"/>). The general path: <c>ORDER BY
/// id FOR UPDATE</c> locks rows in sorted order; ids come back by <c>RETURNING</c>; BEGIN travels with the first command
/// and COMMIT with the write (two round trips); batches of <see cref="ArrayBatchMin"/> postings or more bind arrays.
/// </summary>
internal sealed class PostgresStore : LedgerStore
{
    public static readonly PostgresStore Instance = new();

    /// <summary>The fewest postings written with array parameters. Measured on PostgreSQL 15 (2 cores): transfers (2
    /// postings) over arrays ran 17% slower at 1 client and 31% at 8; award batches of about 12 ran 19% faster (12.4k
    /// against 10.4k awards/s), and of about 130, 2x (32k against 16k).</summary>
    internal const int ArrayBatchMin = 8;

    private const string RowLock = " FOR UPDATE";

    private PostgresStore(bool serverWrites = true) => _serverWrites = serverWrites;

    private readonly bool _serverWrites;

    /// <summary>PostgreSQL on the general path only (no statement on the server): what a test runs to compare the two paths.
    /// </summary>
    internal static PostgresStore GeneralPathOnly { get; } = new(serverWrites: false);

    public override LedgerProvider Provider => LedgerProvider.Postgres;

    public override DatabaseErrors Errors => PostgresErrors.Instance;

    public override LookupAndLockCommand LookupAndLock { get; } = new RowLookupAndLockCommand(RowLock, looksAgainUnderLock: true);

    /// <summary>Keys and locks with one array parameter each.</summary>
    public PostgresArrayLookupAndLockCommand LookupAndLockArrays { get; } = new();

    public override CreateWalletCommand CreateWallet { get; } = new();

    public override WriteCommand Write { get; } = new PostgresRowWriteCommand();

    /// <summary>The write as two statements over arrays, for keyed entries.</summary>
    public PostgresArrayWriteCommand WriteArrays { get; } = new();

    public override LockSumSetCommand LockSumSet { get; } = new(RowLock);

    public override AppliedMigrationsCommand AppliedMigrations { get; } =
        new("SELECT \"MigrationId\" FROM \"__EFMigrationsHistory\";", PostgresErrors.Instance);

    public override string? InlineBegin => "BEGIN ISOLATION LEVEL READ COMMITTED;\n";

    public override string InlineCommit => "COMMIT;\n";

    public override IServerWrites? ServerWrites => _serverWrites ? PostgresServerWrites.Instance : null;

    public override DriftScanCommand DriftScan => DriftScanCommand.Postgres;

    public override LookupAndLockCommand LookupAndLockFor(int postings) => postings >= ArrayBatchMin ? LookupAndLockArrays : LookupAndLock;

    public override WriteCommand WriteFor(int postings, bool allKeyed) => postings >= ArrayBatchMin && allKeyed ? WriteArrays : Write;
}
