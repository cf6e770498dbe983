using System.Reflection;
using FuncLedger.Core.Persistence;
using FuncLedger.Core.Persistence.Commands;
using FuncLedger.Core.Persistence.Postgres;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace FuncLedger.Core.Tests.Persistence;

/// <summary>No SQL Server runs here: the SQL it would run, and how its errors are classified, are tested as text and values.</summary>
public sealed class ProviderCommandTests
{
    private readonly LedgerStore _sqlServer = LedgerStore.For(LedgerProvider.SqlServer);

    [Theory]
    [InlineData("Host=db;Username=u", 8, true, 64, "funcledger")]
    [InlineData("Host=db;Username=u;Maximum Pool Size=30;No Reset On Close=false;Max Auto Prepare=0;Application Name=x", 30, false, 0, "x")]
    [InlineData("Host=db;Username=u;MaxPoolSize=12", 12, true, 64, "funcledger")]
    public void A_PostgreSQL_connection_string_gets_a_small_pool_no_reset_and_prepared_statements_unless_it_says_otherwise(
        string given, int pool, bool noReset, int autoPrepare, string application)
    {
        var built = new NpgsqlConnectionStringBuilder(new LedgerConnectionOptions().Postgres(given));

        Assert.Equal((pool, noReset, autoPrepare, application),
            (built.MaxPoolSize, built.NoResetOnClose, built.MaxAutoPrepare, built.ApplicationName));
    }

    [Theory]
    [InlineData("Server=tcp:db,1433;Database=l;Authentication=Active Directory Managed Identity", 8, "funcledger", 60, 3)]
    [InlineData("Server=db;Database=l;Max Pool Size=20;Application Name=ops;Connect Timeout=5;ConnectRetryCount=0", 20, "ops", 5, 0)]
    public void An_Azure_SQL_connection_string_gets_the_capacity_pool_one_application_name_and_a_login_that_outlasts_a_resume(
        string given, int pool, string application, int timeout, int retries)
    {
        var built = new Microsoft.Data.SqlClient.SqlConnectionStringBuilder(new LedgerConnectionOptions().SqlServer(given));

        Assert.Equal((pool, application, timeout, retries), (built.MaxPoolSize, built.ApplicationName, built.ConnectTimeout, built.ConnectRetryCount));
    }

    [Fact]
    public void The_pool_size_and_the_other_connection_settings_come_from_the_ledgers_settings()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Ledger:PoolSizeMax"] = "3", ["Ledger:ApplicationName"] = "funcledger-eu", ["Ledger:ConnectTimeoutSeconds"] = "90",
        }).Build();
        var options = new LedgerConnectionOptions();
        ConfigurationBinder.Bind(configuration.GetSection("Ledger"), options);

        var sql = new Microsoft.Data.SqlClient.SqlConnectionStringBuilder(options.SqlServer("Server=db;Database=l"));
        var pg = new NpgsqlConnectionStringBuilder(options.Postgres("Host=db;Username=u"));

        Assert.Equal((3, "funcledger-eu", 90), (sql.MaxPoolSize, sql.ApplicationName, sql.ConnectTimeout));
        Assert.Equal((3, "funcledger-eu", 90), (pg.MaxPoolSize, pg.ApplicationName, pg.Timeout));
        Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddLedgerCore(LedgerProvider.Postgres, "Host=db",
            connection: new LedgerConnectionOptions { PoolSizeMax = 0 }));
    }

    [Fact]
    public void Transfer_locks_both_wallets_with_UPDLOCK_ROWLOCK_in_ascending_id_order()
    {
        var sql = _sqlServer.LookupAndLock.Text(keys: 2, owners: 2, guarded: true);

        Assert.Contains("WHERE idempotency_key IN (@k0, @k1)", sql, StringComparison.Ordinal);
        Assert.Contains("WITH (UPDLOCK, ROWLOCK)", sql, StringComparison.Ordinal);
        Assert.Contains("INNER LOOP JOIN", sql, StringComparison.Ordinal);
        Assert.Contains("ORDER BY i.id OPTION (FORCE ORDER)", sql, StringComparison.Ordinal);
        Assert.Contains("owner_id IN (@o0, @o1) AND NOT EXISTS", sql, StringComparison.Ordinal);
    }

    [Fact]
    public void Writes_are_guarded_and_entry_ids_come_back_without_OUTPUT_on_the_triggered_table()
    {
        var sql = ((RowWriteCommand)_sqlServer.Write).Text(wallets: 2, entries: 2);

        Assert.Contains("OUTPUT INSERTED.id WHERE id = @w0 AND cached_balance = @e0", sql, StringComparison.Ordinal);
        Assert.Contains("SCOPE_IDENTITY()", sql, StringComparison.Ordinal);
        Assert.DoesNotContain("INTO ledger_entries (wallet_id, amount, balance_after, reason, idempotency_key, request_fingerprint, meta, created_at) OUTPUT", sql, StringComparison.Ordinal);
        Assert.Contains("WITH (UPDLOCK, ROWLOCK)", _sqlServer.LockSumSet.LockText(1), StringComparison.Ordinal);
    }

    [Fact]
    public void A_new_wallet_takes_no_key_range_lock_on_SQL_Server_and_a_concurrent_creation_is_a_caught_duplicate()
    {
        var sql = _sqlServer.CreateWallet.Text;

        Assert.DoesNotContain("HOLDLOCK", sql, StringComparison.Ordinal);
        Assert.DoesNotContain("NOT EXISTS", sql, StringComparison.Ordinal);
        Assert.Contains("VALUES (@owner, 0, 0, @now, @now)", sql, StringComparison.Ordinal);
        Assert.Contains("IF ERROR_NUMBER() NOT IN (2601, 2627) THROW;", sql, StringComparison.Ordinal);
    }

    [Fact]
    public void Keys_are_looked_up_again_under_the_locks_in_the_same_round_trip_where_writers_run_side_by_side()
    {
        var sqlServer = _sqlServer.LookupAndLock.Text(keys: 1, owners: 2, guarded: true);
        var postgres = Core.Persistence.Postgres.PostgresStore.Instance.LookupAndLock.Text(keys: 1, owners: 2, guarded: true);
        var arrays = Core.Persistence.Postgres.PostgresStore.Instance.LookupAndLockArrays.Text(keys: 1, owners: 2, guarded: true);
        var sqlite = Core.Persistence.Sqlite.SqliteStore.Instance.LookupAndLock.Text(keys: 1, owners: 2, guarded: true);

        static int Looks(string text) => text.Split("FROM ledger_refusals WHERE idempotency_key").Length - 1;
        foreach (var text in new[] { sqlServer, postgres, arrays })
        {
            Assert.Equal(2, Looks(text));
            Assert.True(text.LastIndexOf("FROM ledger_refusals", StringComparison.Ordinal) > text.LastIndexOf("FROM wallets", StringComparison.Ordinal),
                "the keys are looked up again after the lock");
        }

        // SQLite has one writer at a time: its transaction is the lock, and one look is enough.
        Assert.Equal(1, Looks(sqlite));
    }

    [Theory]
    [InlineData(1205, true)]
    [InlineData(3960, true)]
    [InlineData(547, false)]
    [InlineData(2627, false)]
    public void Deadlocks_and_snapshot_conflicts_are_transient_other_errors_are_not(int number, bool transient)
    {
        Assert.Equal(transient, _sqlServer.Errors.IsTransient(SqlError(number, "error")));
    }

    [Fact]
    public void A_duplicate_idempotency_key_is_recognised_by_its_index_name()
    {
        Assert.True(_sqlServer.Errors.IsIdempotencyKeyViolation(SqlError(2601, $"Cannot insert duplicate key row in object 'dbo.ledger_entries' with unique index '{Sql.IdempotencyKeyIndex}'.")));
        Assert.False(_sqlServer.Errors.IsIdempotencyKeyViolation(SqlError(2601, "Cannot insert duplicate key row with unique index 'ux_wallets_owner_id'.")));
        Assert.False(_sqlServer.Errors.IsIdempotencyKeyViolation(new InvalidOperationException(Sql.IdempotencyKeyIndex)));
    }

    [Fact]
    public void PostgreSQL_and_SQLite_classify_their_own_errors()
    {
        var postgres = LedgerStore.For(LedgerProvider.Postgres);
        var sqlite = LedgerStore.For(LedgerProvider.Sqlite);

        Assert.True(postgres.Errors.IsTransient(new PostgresException("deadlock", "ERROR", "ERROR", PostgresErrorCodes.DeadlockDetected)));
        Assert.True(postgres.Errors.IsTransient(new PostgresException("serialization", "ERROR", "ERROR", PostgresErrorCodes.SerializationFailure)));
        Assert.False(postgres.Errors.IsTransient(new PostgresException("unique", "ERROR", "ERROR", PostgresErrorCodes.UniqueViolation)));
        Assert.True(sqlite.Errors.IsTransient(new SqliteException("busy", 5)));
        Assert.True(sqlite.Errors.IsTransient(new SqliteException("locked", 6)));
        Assert.False(sqlite.Errors.IsTransient(new SqliteException("constraint", 19)));
        Assert.Contains("FOR UPDATE", postgres.LookupAndLock.Text(0, 2, guarded: false), StringComparison.Ordinal);
        Assert.Contains("ORDER BY id FOR UPDATE", postgres.LookupAndLock.Text(1, 1, guarded: true), StringComparison.Ordinal);
    }

    [Fact]
    public void A_server_restart_is_unavailable_however_EF_wraps_it_and_so_is_the_driver_refusing_a_broken_transaction()
    {
        var postgres = LedgerStore.For(LedgerProvider.Postgres).Errors;
        var shutdown = new PostgresException("terminating connection", "FATAL", "FATAL", PostgresErrorCodes.AdminShutdown);
        var deadlock = new PostgresException("deadlock", "ERROR", "ERROR", PostgresErrorCodes.DeadlockDetected);
        // What a hold's insert through the context threw when PostgreSQL restarted mid-request (a 500 before).
        var wrapped = new InvalidOperationException("An exception has been raised that is likely due to a transient failure.",
            new Microsoft.EntityFrameworkCore.DbUpdateException("An error occurred while saving the entity changes.", shutdown));
        Exception stateError;
        using (var closed = new NpgsqlConnection("Host=127.0.0.1"))
        {
            stateError = Assert.Throws<InvalidOperationException>(() => closed.BeginTransaction());
        }

        Assert.False(postgres.IsUnavailable(wrapped));
        Assert.True(postgres.IsUnavailableAnywhere(wrapped));
        Assert.True(postgres.IsTransientAnywhere(new Microsoft.EntityFrameworkCore.DbUpdateException("save", deadlock)));
        Assert.True(postgres.IsUnavailableAnywhere(stateError));
        Assert.False(postgres.IsUnavailableAnywhere(new InvalidOperationException("a bug of ours")));
        Assert.False(postgres.IsTransientAnywhere(wrapped));
    }

    [Fact]
    public void Only_PostgreSQL_binds_arrays_and_its_array_lookup_still_locks_in_ascending_id_order_behind_the_guard()
    {
        var postgres = PostgresStore.Instance;

        Assert.Same(postgres.LookupAndLockArrays, postgres.LookupAndLockFor(PostgresStore.ArrayBatchMin));
        Assert.Same(postgres.LookupAndLock, postgres.LookupAndLockFor(PostgresStore.ArrayBatchMin - 1));
        Assert.Same(postgres.WriteArrays, postgres.WriteFor(PostgresStore.ArrayBatchMin, allKeyed: true));
        Assert.Same(postgres.Write, postgres.WriteFor(PostgresStore.ArrayBatchMin, allKeyed: false));
        foreach (var other in new[] { LedgerStore.For(LedgerProvider.Sqlite), LedgerStore.For(LedgerProvider.SqlServer) })
        {
            Assert.Same(other.LookupAndLock, other.LookupAndLockFor(1_000));
            Assert.Same(other.Write, other.WriteFor(1_000, allKeyed: true));
        }

        var guarded = postgres.LookupAndLockArrays.Text(keys: 1, owners: 1, guarded: true);
        Assert.StartsWith("SELECT id, wallet_id, amount, balance_after, idempotency_key, request_fingerprint FROM ledger_entries WHERE idempotency_key = ANY(@keys)\n"
            + "UNION ALL SELECT CAST(0 AS bigint), wallet_id, amount, balance, idempotency_key, request_fingerprint FROM ledger_refusals WHERE idempotency_key = ANY(@keys)\n"
            + "UNION ALL SELECT -id, wallet_id, -amount, CAST(0 AS bigint), idempotency_key, request_fingerprint FROM ledger_holds WHERE idempotency_key = ANY(@keys)\n"
            + "UNION ALL SELECT CAST(-9223372036854775808 AS bigint), CAST(0 AS bigint), CAST(operation AS bigint), CAST(0 AS bigint), idempotency_key, request_fingerprint FROM client_keys WHERE idempotency_key = ANY(@keys);", guarded, StringComparison.Ordinal);
        Assert.Contains("WHERE owner_id = ANY(@owners) AND NOT EXISTS (SELECT 1 FROM ledger_entries WHERE idempotency_key = ANY(@keys)) ORDER BY id FOR UPDATE;\n", guarded, StringComparison.Ordinal);
        Assert.EndsWith("FROM client_keys WHERE idempotency_key = ANY(@keys);\n", guarded, StringComparison.Ordinal);
        Assert.DoesNotContain("NOT EXISTS", postgres.LookupAndLockArrays.Text(keys: 0, owners: 1, guarded: true), StringComparison.Ordinal);
        Assert.DoesNotContain("NOT EXISTS", postgres.LookupAndLockArrays.Text(keys: 1, owners: 1, guarded: false), StringComparison.Ordinal);
        Assert.Contains("1 / (w.cached_balance = v.e)::int), updated_at = @now FROM unnest(@w, @b, @e) AS v(id, b, e) WHERE w.id = v.id RETURNING w.id;", PostgresArrayWriteCommand.Text, StringComparison.Ordinal);
        Assert.Contains("RETURNING id, idempotency_key;", PostgresArrayWriteCommand.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Sql_text_caches_keep_a_bounded_number_of_shapes_and_still_build_every_one()
    {
        var lookup = new RowLookupAndLockCommand(" FOR UPDATE", looksAgainUnderLock: true);
        var write = new RowWriteCommand(Sql.SqliteParametersMax);

        for (var n = 1; n <= SqlTextCache<int>.ShapesMax * 3; n++)
        {
            Assert.Contains($"@o{n - 1})", lookup.Text(keys: 0, owners: n, guarded: false), StringComparison.Ordinal);
            Assert.Contains($"@ew{n - 1},", write.Text(wallets: 1, entries: n), StringComparison.Ordinal);
        }

        Assert.Equal(SqlTextCache<int>.ShapesMax, lookup.ShapesKept);
        Assert.Equal(SqlTextCache<int>.ShapesMax, write.ShapesKept);
    }

    [Theory]
    [InlineData(1205, "Contention", null)]
    [InlineData(3960, "Contention", null)]
    [InlineData(40613, "Resuming", 15)]
    [InlineData(40501, "Resuming", 10)]
    [InlineData(40197, "Resuming", 5)]
    [InlineData(49918, "Resuming", 10)]
    [InlineData(49919, "Resuming", 10)]
    [InlineData(49920, "Resuming", 10)]
    [InlineData(4060, "Resuming", 15)]
    [InlineData(4221, "Resuming", 5)]
    [InlineData(10928, "Resuming", 10)]
    [InlineData(10929, "Resuming", 10)]
    [InlineData(233, "Unavailable", null)]
    [InlineData(64, "Unavailable", null)]
    [InlineData(121, "Unavailable", null)]
    [InlineData(-1, "Unavailable", null)]
    [InlineData(-2, "Unavailable", null)]
    [InlineData(10053, "Unavailable", null)]
    [InlineData(10054, "Unavailable", null)]
    [InlineData(10060, "Unavailable", null)]
    [InlineData(547, "None", null)]
    public void Each_SQL_Server_error_number_maps_to_one_class_and_so_to_one_policy(int number, string errorClass, int? retryAfter)
    {
        var error = SqlError(number, "error");
        var expected = Enum.Parse<DatabaseErrorClass>(errorClass);

        Assert.Equal(expected, _sqlServer.Errors.Classify(error));
        Assert.Equal(retryAfter is { } s ? TimeSpan.FromSeconds(s) : null, _sqlServer.Errors.RetryAfter(error));
        // Contention runs the unit of work again at once; resuming waits (the long policy) or answers 503 with its
        // Retry-After; unavailable is never retried inside (a commit's outcome may be unknown).
        Assert.Equal(expected == DatabaseErrorClass.Contention, _sqlServer.Errors.IsTransient(error));
        Assert.Equal(expected is DatabaseErrorClass.Resuming or DatabaseErrorClass.Unavailable, _sqlServer.Errors.IsUnavailable(error));
    }

    [Fact]
    public void The_table_of_SQL_Server_errors_is_the_one_the_tests_pin()
    {
        // A number added to the table without a line above fails here.
        Assert.Equal(20, Core.Persistence.SqlServer.SqlServerErrors.Numbers.Count);
        Assert.All(Core.Persistence.SqlServer.SqlServerErrors.Numbers, n =>
            Assert.Equal(n.Value.Class == DatabaseErrorClass.Resuming, n.Value.RetryAfterSeconds > 0));
    }

    /// <summary>SqlException has no public constructor; build one the way SqlClient does.</summary>
    internal static SqlException SqlError(int number, string message)
    {
        const BindingFlags Any = BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static;
        var errors = (SqlErrorCollection)Activator.CreateInstance(typeof(SqlErrorCollection), nonPublic: true)!;
        var ctor = typeof(SqlError).GetConstructors(Any).OrderByDescending(c => c.GetParameters().Length).First();
        var args = ctor.GetParameters().Select(p => p.Name switch
        {
            "infoNumber" => (object?)number,
            "errorMessage" => message,
            _ => p.ParameterType == typeof(string) ? "" : p.ParameterType.IsValueType ? Activator.CreateInstance(p.ParameterType) : null,
        }).ToArray();
        var error = (SqlError)ctor.Invoke(args);
        typeof(SqlErrorCollection).GetMethod("Add", Any)!.Invoke(errors, [error]);
        var create = typeof(SqlException).GetMethods(Any)
            .Where(m => m.Name == "CreateException")
            .OrderBy(m => m.GetParameters().Length)
            .First(m => m.GetParameters()[0].ParameterType == typeof(SqlErrorCollection));
        var createArgs = create.GetParameters().Select((p, i) => i == 0 ? (object?)errors : p.ParameterType == typeof(string) ? "16.0" : null).ToArray();
        return (SqlException)create.Invoke(null, createArgs)!;
    }
}
