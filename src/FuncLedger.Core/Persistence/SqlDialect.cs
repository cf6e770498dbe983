using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using System.Text;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace FuncLedger.Core.Persistence;

/// <summary>
/// What differs between the engines on the write path: how wallet rows are locked (in ascending id
/// order), how generated ids come back, and how errors are classified. Every statement is
/// parameterised; the SQL text depends only on how many items a command carries.
/// </summary>
/// <remarks>Result-set shapes are the same for every provider:
/// wallet rows are (id, owner_id, cached_balance, allow_overdraft); entry rows are
/// (id, wallet_id, amount, balance_after, idempotency_key, request_fingerprint).</remarks>
public abstract class SqlDialect
{
    /// <summary>Unique index that makes an idempotency key single-use.</summary>
    public const string IdempotencyKeyIndex = "ux_ledger_entries_idempotency_key";

    protected const string EntryColumns = "id, wallet_id, amount, balance_after, idempotency_key, request_fingerprint";
    protected const string InsertEntryColumns =
        "INSERT INTO ledger_entries (wallet_id, amount, balance_after, reason, idempotency_key, request_fingerprint, meta, created_at)";

    private readonly ConcurrentDictionary<(int Keys, int Owners, bool Guarded), string> _lookupAndLock = new();
    private readonly ConcurrentDictionary<(int Wallets, int Entries), string> _write = new();

    public abstract LedgerProvider Provider { get; }

    public static SqlDialect For(LedgerProvider provider) => provider switch
    {
        LedgerProvider.Postgres => PostgresDialect.Instance,
        LedgerProvider.SqlServer => SqlServerDialect.Instance,
        _ => SqliteDialect.Instance,
    };

    /// <summary>
    /// One command: the entries holding any of the keys (when there are keys), then the wallets of the
    /// owners, locked in ascending id order. With <paramref name="guarded"/>, no wallet is locked
    /// when any key already exists: a pure replay takes no lock.
    /// Parameters: @k0..@k{keys-1}, @o0..@o{owners-1}.
    /// </summary>
    public string LookupAndLock(int keys, int owners, bool guarded) =>
        _lookupAndLock.GetOrAdd((keys, owners, guarded && keys > 0), k =>
        {
            var sql = new StringBuilder(256);
            var keyList = List("@k", k.Keys);
            if (k.Keys > 0)
            {
                sql.Append(CultureInfo.InvariantCulture, $"SELECT {EntryColumns} FROM ledger_entries WHERE idempotency_key IN ({keyList});\n");
            }

            var guard = k.Guarded
                ? $" AND NOT EXISTS (SELECT 1 FROM ledger_entries WHERE idempotency_key IN ({keyList}))"
                : "";
            sql.Append(LockWallets(List("@o", k.Owners), guard));
            return sql.ToString();
        });

    /// <summary>Inserts the wallet of @owner unless it exists; returns its row, or no row when another
    /// transaction created it first (then lock it with <see cref="LookupAndLock"/>).</summary>
    public virtual string InsertWalletIfMissing =>
        "INSERT INTO wallets (owner_id, cached_balance, allow_overdraft, created_at, updated_at) VALUES (@owner, 0, FALSE, @now, @now) "
        + "ON CONFLICT (owner_id) DO NOTHING RETURNING id, owner_id, cached_balance, allow_overdraft;";

    /// <summary>
    /// One command that writes an operation: per wallet a guarded balance update (returns the id when the
    /// balance was still the expected one, so a lost lock is detected), then per entry an insert returning its id.
    /// Parameters: @now; @w{i}, @b{i}, @e{i} (wallet id, new balance, expected old balance);
    /// @ew{j}, @ea{j}, @eb{j}, @er{j}, @ek{j}, @ef{j}, @em{j} (entry wallet, amount, balance after, reason, key, fingerprint, meta).
    /// </summary>
    public string Write(int wallets, int entries) => _write.GetOrAdd((wallets, entries), k =>
    {
        var sql = new StringBuilder(256 * (k.Wallets + k.Entries));
        for (var i = 0; i < k.Wallets; i++)
        {
            sql.Append(UpdateBalance(i.ToString(CultureInfo.InvariantCulture))).Append('\n');
        }

        for (var j = 0; j < k.Entries; j++)
        {
            sql.Append(InsertEntry(j.ToString(CultureInfo.InvariantCulture))).Append('\n');
        }

        return sql.ToString();
    });

    /// <summary>
    /// Locks one wallet by id (first result set: its id), then returns (id, cached_balance, allow_overdraft, ledger_sum)
    /// in a second statement, so the sum is read after the lock is held (under READ COMMITTED a statement's snapshot
    /// predates its lock wait). Parameter @id.
    /// </summary>
    public string LockWalletWithLedgerSum =>
        LockWalletById + "\n"
        + "SELECT w.id, w.cached_balance, w.allow_overdraft, "
        + "CAST((SELECT COALESCE(SUM(e.amount), 0) FROM ledger_entries e WHERE e.wallet_id = w.id) AS bigint) "
        + "FROM wallets w WHERE w.id = @id;";

    /// <summary>Sets a wallet's cached balance. Parameters @id, @balance, @now.</summary>
    public string SetBalance => "UPDATE wallets SET cached_balance = @balance, updated_at = @now WHERE id = @id;";

    /// <summary>
    /// Reconciliation's scan, one set-based statement read in one pass: the entries are aggregated per wallet once,
    /// joined to the wallets, and grouped on the drifted wallet's id, so every drifted wallet comes back as its own row
    /// (drift_id, 1, cached_balance, ledger_balance) and all the others as one row (NULL, count, sum of cached balances,
    /// sum of their entries). Summing every row gives the global check without a second scan of the entries.
    /// </summary>
    public string DriftScan =>
        "SELECT d.drift_id, CAST(COUNT(*) AS BIGINT), CAST(COALESCE(SUM(d.cached), 0) AS BIGINT), CAST(COALESCE(SUM(d.ledger), 0) AS BIGINT) FROM ("
        + "SELECT CASE WHEN w.cached_balance <> COALESCE(s.total, 0) THEN w.id END AS drift_id, w.cached_balance AS cached, COALESCE(s.total, 0) AS ledger "
        + "FROM wallets w LEFT JOIN (SELECT wallet_id, SUM(amount) AS total FROM ledger_entries GROUP BY wallet_id) s ON s.wallet_id = w.id"
        + ") d GROUP BY d.drift_id;";

    /// <summary>
    /// One command for a fix chunk: the wallets @w0..@w{n-1} locked in ascending id order as (id, cached_balance),
    /// then the ledger sum of each wallet that has entries as (wallet_id, sum), read under those locks.
    /// </summary>
    public string LockWalletsWithLedgerSums(int wallets)
    {
        var ids = List("@w", wallets);
        return LockWalletsByIds(ids)
            + $"\nSELECT wallet_id, CAST(SUM(amount) AS BIGINT) FROM ledger_entries WHERE wallet_id IN ({ids}) GROUP BY wallet_id;";
    }

    /// <summary>Sets the balances of a fix chunk: @w{i} gets @b{i}; parameter @now.</summary>
    public string SetBalances(int wallets) => string.Concat(Enumerable.Range(0, wallets).Select(i =>
        string.Create(CultureInfo.InvariantCulture, $"UPDATE wallets SET cached_balance = @b{i}, updated_at = @now WHERE id = @w{i};\n")));

    protected virtual string LockWalletsByIds(string idList) =>
        $"SELECT id, cached_balance FROM wallets WHERE id IN ({idList}) ORDER BY id{RowLockClause};";

    /// <summary>
    /// True when the engine binds whole arrays (PostgreSQL): an operation's keys, owners, balances and entries each
    /// travel as one parameter, so the SQL text is the same whatever the count (prepared once) and the server runs
    /// one statement per step instead of one per row. See <see cref="LookupAndLockArrays"/> and <see cref="WriteArrays"/>.
    /// </summary>
    public virtual bool BindsArrays => false;

    /// <summary>
    /// <see cref="LookupAndLock"/> with arrays: the entries holding any of @keys (text[], when <paramref name="keys"/>),
    /// then the wallets of @owners (bigint[]) locked in ascending id order, none when <paramref name="guarded"/> and a key exists.
    /// </summary>
    public virtual string LookupAndLockArrays(bool keys, bool guarded) => throw new NotSupportedException();

    /// <summary>
    /// <see cref="Write"/> with arrays, for keyed entries: one guarded update of every wallet (@w, @b, @e: ids, new
    /// balances, expected old balances) returning the ids it updated, then one insert of every entry (@ew, @ea, @eb,
    /// @er, @ek, @ef, @em, in posting order) returning (id, idempotency_key). Parameter @now.
    /// </summary>
    public virtual string WriteArrays => throw new NotSupportedException();

    /// <summary>
    /// When not null, the write path opens its transaction by sending this text ahead of its first command and
    /// ends it with <see cref="InlineCommit"/> behind its write, instead of separate BEGIN and COMMIT round trips.
    /// </summary>
    public virtual string? InlineBegin => null;

    public virtual string InlineCommit => "";

    /// <summary>The ids of the applied migrations (EF Core's history table).</summary>
    public virtual string AppliedMigrations => "SELECT \"MigrationId\" FROM \"__EFMigrationsHistory\";";

    /// <summary>
    /// True when the database could not be reached or went away mid-operation (network failure, server restart,
    /// too many connections). Never retried inside the core, because a commit's outcome may be unknown; the caller
    /// retries with the same idempotency key, which applies the operation at most once.
    /// </summary>
    public virtual bool IsUnavailable(Exception exception) =>
        exception is DbException { IsTransient: true } || exception is TimeoutException
        || exception.InnerException is DbException { IsTransient: true } or TimeoutException or System.IO.IOException or System.Net.Sockets.SocketException;

    /// <summary>True when a statement named a table that does not exist (a database not migrated yet).</summary>
    public abstract bool IsUndefinedTable(Exception exception);

    /// <summary>True for a deadlock, a serialization failure or a busy/locked database: the whole unit of work may run again.</summary>
    public abstract bool IsTransient(Exception exception);

    /// <summary>True when an insert lost the race for an idempotency key to a concurrent first request.</summary>
    public abstract bool IsIdempotencyKeyViolation(Exception exception);

    /// <summary>What a SELECT appends to lock the rows it reads (empty where the transaction itself is the lock).</summary>
    protected virtual string RowLockClause => "";

    /// <summary>Locks one wallet by id. Parameter @id.</summary>
    protected virtual string LockWalletById => $"SELECT id FROM wallets WHERE id = @id{RowLockClause};";

    /// <summary>Locks the owners' wallets; <c>ORDER BY id</c> makes the lock order ascending.</summary>
    protected virtual string LockWallets(string ownerList, string guard) =>
        $"SELECT id, owner_id, cached_balance, allow_overdraft FROM wallets WHERE owner_id IN ({ownerList}){guard} ORDER BY id{RowLockClause};";

    protected virtual string UpdateBalance(string i) =>
        $"UPDATE wallets SET cached_balance = @b{i}, updated_at = @now WHERE id = @w{i} AND cached_balance = @e{i} RETURNING id;";

    protected virtual string InsertEntry(string j) => $"{InsertEntryColumns} VALUES {EntryValues(j)} RETURNING id;";

    protected static string EntryValues(string j) =>
        $"(@ew{j}, @ea{j}, @eb{j}, @er{j}, @ek{j}, @ef{j}, @em{j}, @now)";

    protected static string List(string prefix, int count) =>
        string.Join(", ", Enumerable.Range(0, count).Select(i => prefix + i.ToString(CultureInfo.InvariantCulture)));
}

/// <summary>PostgreSQL: <c>ORDER BY id FOR UPDATE</c> locks rows in sorted order; ids come back by <c>RETURNING</c>.</summary>
public sealed class PostgresDialect : SqlDialect
{
    public static readonly PostgresDialect Instance = new();

    private PostgresDialect()
    {
    }

    public override LedgerProvider Provider => LedgerProvider.Postgres;

    protected override string RowLockClause => " FOR UPDATE";

    public override string? InlineBegin => "BEGIN ISOLATION LEVEL READ COMMITTED;\n";

    public override string InlineCommit => "COMMIT;\n";

    public override bool BindsArrays => true;

    public override string LookupAndLockArrays(bool keys, bool guarded)
    {
        const string keyMatch = "idempotency_key = ANY(@keys)";
        var lookup = keys ? $"SELECT {EntryColumns} FROM ledger_entries WHERE {keyMatch};\n" : "";
        var guard = keys && guarded ? $" AND NOT EXISTS (SELECT 1 FROM ledger_entries WHERE {keyMatch})" : "";
        return lookup + $"SELECT id, owner_id, cached_balance, allow_overdraft FROM wallets WHERE owner_id = ANY(@owners){guard} ORDER BY id FOR UPDATE;";
    }

    public override string WriteArrays =>
        "UPDATE wallets AS w SET cached_balance = v.b, updated_at = @now FROM unnest(@w, @b, @e) AS v(id, b, e) "
        + "WHERE w.id = v.id AND w.cached_balance = v.e RETURNING w.id;\n"
        + InsertEntryColumns + " SELECT v.ew, v.ea, v.eb, v.er, v.ek, v.ef, v.em, @now "
        + "FROM unnest(@ew, @ea, @eb, @er, @ek, @ef, @em) WITH ORDINALITY AS v(ew, ea, eb, er, ek, ef, em, n) ORDER BY v.n "
        + "RETURNING id, idempotency_key;\n";

    public override bool IsTransient(Exception exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected };

    public override bool IsIdempotencyKeyViolation(Exception exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: IdempotencyKeyIndex };

    public override bool IsUndefinedTable(Exception exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UndefinedTable };

    // Class 08 (connection exception), 57P01-57P03 (admin/crash shutdown, cannot connect now), 53300 (too many connections).
    public override bool IsUnavailable(Exception exception) =>
        base.IsUnavailable(exception)
        || exception is PostgresException p && (p.SqlState.StartsWith("08", StringComparison.Ordinal)
            || p.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow
                or PostgresErrorCodes.TooManyConnections);
}

/// <summary>SQLite: one writer at a time; the unit of work holds an immediate (write) transaction, so no row lock is needed.</summary>
public sealed class SqliteDialect : SqlDialect
{
    public static readonly SqliteDialect Instance = new();

    // SQLITE_BUSY and SQLITE_LOCKED: another connection holds the database.
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;
    private const int SqliteConstraintUnique = 2067;

    private SqliteDialect()
    {
    }

    public override LedgerProvider Provider => LedgerProvider.Sqlite;

    public override bool IsTransient(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: SqliteBusy or SqliteLocked };

    public override bool IsIdempotencyKeyViolation(Exception exception) =>
        exception is SqliteException { SqliteExtendedErrorCode: SqliteConstraintUnique } e
        && e.Message.Contains("ledger_entries.idempotency_key", StringComparison.Ordinal);

    // SQLITE_ERROR (1) with "no such table".
    public override bool IsUndefinedTable(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: 1 } e && e.Message.Contains("no such table", StringComparison.Ordinal);
}

/// <summary>
/// SQL Server (production): wallet ids are resolved first, then locked with <c>UPDLOCK, ROWLOCK</c> through a
/// loop join in ascending id order. No engine runs here, so this text is tested as text.
/// </summary>
public sealed class SqlServerDialect : SqlDialect
{
    public static readonly SqlServerDialect Instance = new();

    // 1205: chosen as deadlock victim; 3960: snapshot isolation update conflict.
    private const int Deadlock = 1205;
    private const int SnapshotConflict = 3960;
    private const int DuplicateKeyRow = 2601;
    private const int UniqueConstraint = 2627;
    private const int InvalidObjectName = 208;

    private SqlServerDialect()
    {
    }

    public override LedgerProvider Provider => LedgerProvider.SqlServer;

    public override string InsertWalletIfMissing =>
        "INSERT INTO wallets (owner_id, cached_balance, allow_overdraft, created_at, updated_at) "
        + "OUTPUT INSERTED.id, INSERTED.owner_id, INSERTED.cached_balance, INSERTED.allow_overdraft "
        + "SELECT @owner, 0, 0, @now, @now WHERE NOT EXISTS (SELECT 1 FROM wallets WITH (UPDLOCK, HOLDLOCK) WHERE owner_id = @owner);";

    protected override string LockWalletById => "SELECT id FROM wallets WITH (UPDLOCK, ROWLOCK) WHERE id = @id;";

    protected override string LockWalletsByIds(string idList) =>
        "DECLARE @fix_ids TABLE (id bigint PRIMARY KEY);\n"
        + $"INSERT INTO @fix_ids (id) SELECT id FROM wallets WHERE id IN ({idList});\n"
        + "SELECT w.id, w.cached_balance FROM @fix_ids i "
        + "INNER LOOP JOIN wallets w WITH (UPDLOCK, ROWLOCK) ON w.id = i.id ORDER BY i.id OPTION (FORCE ORDER);";

    public override bool IsTransient(Exception exception) =>
        exception is SqlException { Number: Deadlock or SnapshotConflict };

    // 208: invalid object name.
    public override bool IsUndefinedTable(Exception exception) => exception is SqlException { Number: InvalidObjectName };

    public override string AppliedMigrations => "SELECT [MigrationId] FROM [__EFMigrationsHistory];";

    public override bool IsIdempotencyKeyViolation(Exception exception) =>
        exception is SqlException { Number: DuplicateKeyRow or UniqueConstraint } e
        && e.Message.Contains(IdempotencyKeyIndex, StringComparison.Ordinal);

    protected override string LockWallets(string ownerList, string guard) =>
        "DECLARE @lock_ids TABLE (id bigint PRIMARY KEY);\n"
        + $"INSERT INTO @lock_ids (id) SELECT id FROM wallets WHERE owner_id IN ({ownerList}){guard};\n"
        + "SELECT w.id, w.owner_id, w.cached_balance, w.allow_overdraft FROM @lock_ids i "
        + "INNER LOOP JOIN wallets w WITH (UPDLOCK, ROWLOCK) ON w.id = i.id ORDER BY i.id OPTION (FORCE ORDER);";

    protected override string UpdateBalance(string i) =>
        $"UPDATE wallets SET cached_balance = @b{i}, updated_at = @now OUTPUT INSERTED.id WHERE id = @w{i} AND cached_balance = @e{i};";

    // ledger_entries carries the immutability trigger, and SQL Server refuses OUTPUT without INTO on a
    // table with triggers, so the id comes back through SCOPE_IDENTITY().
    protected override string InsertEntry(string j) =>
        $"{InsertEntryColumns} VALUES {EntryValues(j)}; SELECT CAST(SCOPE_IDENTITY() AS bigint) AS id;";
}
