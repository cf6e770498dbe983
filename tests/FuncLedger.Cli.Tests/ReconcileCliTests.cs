using System.Text.Json;
using FuncLedger.Core;
using FuncLedger.Core.Domain;
using FuncLedger.Core.Operations;
using FuncLedger.Core.Persistence;
using FuncLedger.TestSupport;
using Microsoft.Extensions.DependencyInjection;

// Classes marked [SqlServerLane] are generated only when FUNCLEDGER_TEST_SQLSERVER is set.
[assembly: TestFramework("FuncLedger.TestSupport.LaneTestFramework", "FuncLedger.TestSupport")]

namespace FuncLedger.Cli.Tests;

public sealed record CliRun(int ExitCode, string Stdout, string Stderr);

/// <summary>The seed's eight admin cases for <c>funcledger reconcile</c>, on real SQLite and PostgreSQL databases.</summary>
public abstract class ReconcileCliTests(ILedgerTestDatabase database) : IAsyncLifetime
{
    private ServiceProvider? _services;
    private string _connection = "";

    protected string Provider => database.Provider.ToString().ToLowerInvariant();

    protected string Connection => _connection;

    protected ILedger Ledger => _services!.GetRequiredService<ILedger>();

    public async Task InitializeAsync()
    {
        _connection = await database.CreateAsync();
        _services = new ServiceCollection().AddLogging().AddLedgerCore(database.Provider, _connection).BuildServiceProvider();
    }

    public async Task DisposeAsync() => await _services!.DisposeAsync();

    protected async Task<CliRun> CliAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await FuncLedgerCli.RunAsync([.. args, "--provider", Provider, "--connection", _connection], stdout, stderr, interactive: false);
        return new CliRun(code, stdout.ToString(), stderr.ToString());
    }

    protected Task<long> ScalarAsync(string sql) => Sql.ScalarAsync(database.Provider, _connection, sql);

    protected Task DriftAsync(long ownerId, long cachedBalance) =>
        Sql.ExecuteAsync(database.Provider, _connection, $"UPDATE wallets SET cached_balance = {cachedBalance} WHERE owner_id = {ownerId}");

    protected Task<long> CachedAsync(long ownerId) => ScalarAsync($"SELECT cached_balance FROM wallets WHERE owner_id = {ownerId}");

    private Task<string> SnapshotAsync() => Task.WhenAll(
            ScalarAsync("SELECT COALESCE(SUM(cached_balance * id), 0) FROM wallets"),
            ScalarAsync("SELECT COUNT(*) FROM ledger_entries"),
            ScalarAsync("SELECT COUNT(*) FROM reconciliation_runs"))
        .ContinueWith(t => string.Join(',', t.Result), TaskScheduler.Default);

    [Fact]
    public async Task A_dry_run_detects_drift_and_changes_nothing()
    {
        await Ledger.CreditAsync(1, 100, "seed");
        await DriftAsync(1, 60);
        var walletId = await ScalarAsync("SELECT id FROM wallets WHERE owner_id = 1");
        var before = await SnapshotAsync();

        var run = await CliAsync("reconcile", "--dry-run");

        Assert.Equal(ExitCodes.Drift, run.ExitCode);
        Assert.Contains($"drift: wallet {walletId} cached 60 ledger 100 delta +40", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("drifts found: 1, corrections applied: 0 (dry run)", run.Stdout, StringComparison.Ordinal);
        Assert.Equal(before, await SnapshotAsync());
        Assert.Equal(60, await CachedAsync(1));
    }

    [Fact]
    public async Task Held_coins_that_differ_from_the_pending_holds_are_named_and_fixed()
    {
        await Ledger.CreditAsync(1, 100, "seed");
        await Ledger.HoldAsync(1, 30, "cart", "cli-held-1");
        await Sql.ExecuteAsync(database.Provider, _connection, "UPDATE wallets SET held = 4 WHERE owner_id = 1");
        var walletId = await ScalarAsync("SELECT id FROM wallets WHERE owner_id = 1");

        var dry = await CliAsync("reconcile", "--dry-run");
        var json = await CliAsync("reconcile", "--dry-run", "--json");
        var fix = await CliAsync("reconcile");

        Assert.Equal(ExitCodes.Drift, dry.ExitCode);
        Assert.Contains($"drift: wallet {walletId} cached 100 ledger 100 delta 0 held 4 pending holds 30", dry.Stdout, StringComparison.Ordinal);
        var drift = System.Text.Json.JsonDocument.Parse(json.Stdout).RootElement.GetProperty("drifts")[0];
        Assert.Equal((4L, 30L), (drift.GetProperty("cachedHeld").GetInt64(), drift.GetProperty("pendingHeld").GetInt64()));
        Assert.Contains("drifts found: 1, corrections applied: 1", fix.Stdout, StringComparison.Ordinal);
        Assert.Equal(30, await ScalarAsync("SELECT held FROM wallets WHERE owner_id = 1"));
        Assert.Equal(ExitCodes.Clean, (await CliAsync("reconcile", "--dry-run")).ExitCode);
    }

    [Fact]
    public async Task A_real_run_corrects_the_drift_and_a_second_run_is_clean()
    {
        await Ledger.CreditAsync(1, 100, "seed");
        await Ledger.DebitAsync(1, 30, "shop");
        await DriftAsync(1, 0);

        var fix = await CliAsync("reconcile");
        var again = await CliAsync("reconcile");

        Assert.Equal(ExitCodes.Drift, fix.ExitCode);
        Assert.Contains("drifts found: 1, corrections applied: 1", fix.Stdout, StringComparison.Ordinal);
        Assert.Equal(70, await CachedAsync(1));
        Assert.Equal(ExitCodes.Clean, again.ExitCode);
        Assert.Contains("drifts found: 0", again.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_many_wallets_only_the_drifted_ones_are_corrected()
    {
        for (var owner = 1; owner <= 6; owner++)
        {
            await Ledger.CreditAsync(owner, owner * 100, "seed");
        }

        await DriftAsync(2, 1);
        await DriftAsync(5, 7);
        await Sql.ExecuteAsync(database.Provider, _connection, "UPDATE wallets SET updated_at = created_at");

        var run = await CliAsync("reconcile", "--chunk-size", "1");

        Assert.Equal(ExitCodes.Drift, run.ExitCode);
        var balances = await Task.WhenAll(Enumerable.Range(1, 6).Select(o => CachedAsync(o)));
        Assert.Equal([100L, 200L, 300L, 400L, 500L, 600L], balances);
        // Untouched wallets keep their row exactly: only the two drifted ones were written.
        Assert.Equal(2, await ScalarAsync("SELECT COUNT(*) FROM wallets WHERE updated_at <> created_at"));
        Assert.Equal(2, run.Stdout.Split('\n').Count(l => l.StartsWith("drift: wallet ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_clean_ledger_exits_0()
    {
        await Ledger.CreditAsync(1, 100, "seed");
        await Ledger.TransferAsync(1, 2, 25, "gift");

        var dry = await CliAsync("reconcile", "--dry-run");
        var real = await CliAsync("reconcile");

        Assert.Equal(ExitCodes.Clean, dry.ExitCode);
        Assert.Equal(ExitCodes.Clean, real.ExitCode);
        Assert.Contains("wallets checked: 2, drifts found: 0, corrections applied: 0", real.Stdout, StringComparison.Ordinal);
        Assert.Contains("(match)", real.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Drift_exits_1_on_a_dry_run_and_on_a_real_run()
    {
        await Ledger.CreditAsync(1, 100, "seed");
        await DriftAsync(1, 99);
        Assert.Equal(ExitCodes.Drift, (await CliAsync("reconcile", "--dry-run")).ExitCode);
        Assert.Equal(ExitCodes.Drift, (await CliAsync("reconcile")).ExitCode);
    }

    [Theory]
    [InlineData("reconcile", "--chunk-size", "0")]
    [InlineData("reconcile", "--no-such-flag")]
    [InlineData("reconcile", "--chunk-size", "abc")]
    [InlineData("nonsense")]
    public async Task Bad_arguments_exit_2_with_a_one_line_error_and_no_stack_trace(params string[] args)
    {
        var run = await CliAsync(args);

        Assert.Equal(ExitCodes.Error, run.ExitCode);
        Assert.StartsWith("error: ", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_json_report_parses_and_matches_the_ledger()
    {
        await Ledger.CreditAsync(1, 100, "seed");
        await Ledger.CreditAsync(2, 40, "seed");
        await DriftAsync(2, 45);
        var walletId = await ScalarAsync("SELECT id FROM wallets WHERE owner_id = 2");

        var run = await CliAsync("reconcile", "--dry-run", "--json");
        var report = JsonDocument.Parse(run.Stdout).RootElement;

        Assert.Equal(ExitCodes.Drift, run.ExitCode);
        Assert.True(report.GetProperty("dryRun").GetBoolean());
        Assert.Equal(2, report.GetProperty("walletsChecked").GetInt64());
        Assert.Equal(1, report.GetProperty("driftCount").GetInt64());
        Assert.Equal(145, report.GetProperty("balancesTotal").GetInt64());
        Assert.Equal(140, report.GetProperty("entriesTotal").GetInt64());
        Assert.False(report.GetProperty("totalsMatch").GetBoolean());
        var drift = report.GetProperty("drifts")[0];
        Assert.Equal((walletId, 45L, 40L, -5L), (drift.GetProperty("walletId").GetInt64(), drift.GetProperty("cachedBalance").GetInt64(),
            drift.GetProperty("ledgerBalance").GetInt64(), drift.GetProperty("delta").GetInt64()));
    }

    [Fact]
    public async Task Output_and_logs_name_wallet_ids_only_never_owner_data()
    {
        // Recognisable owner data: distinctive owner ids, a name and an email in reasons and meta.
        const long ownerA = 8_675_309_001, ownerB = 8_675_309_002;
        await Ledger.CreditAsync(ownerA, 500, "prize for Alice Liddell", meta: """{"email":"alice.liddell@example.com","name":"Alice Liddell"}""");
        await Ledger.TransferAsync(ownerA, ownerB, 120, "gift to Bob Dylan", meta: """{"email":"bob@example.org"}""");
        await DriftAsync(ownerA, 1);
        await DriftAsync(ownerB, 2);

        var runs = new[]
        {
            await CliAsync("reconcile", "--dry-run", "--verbose"),
            await CliAsync("reconcile", "--dry-run", "--json", "--verbose"),
            await CliAsync("reconcile", "--verbose"),
            await CliAsync("status", "--verbose"),
        };

        var everything = string.Join('\n', runs.Select(r => r.Stdout + r.Stderr));
        Assert.Contains("drift: wallet ", everything, StringComparison.Ordinal);
        Assert.Contains("Wallet 1 drifts", everything, StringComparison.Ordinal);
        foreach (var planted in new[] { "8675309", "Alice", "Liddell", "alice.liddell@example.com", "Bob", "example.org", "prize", "gift" })
        {
            Assert.DoesNotContain(planted, everything, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task An_empty_wallet_and_an_overdrawn_wallet_are_reconciled_like_any_other()
    {
        await Ledger.CreditAsync(1, 50, "seed");
        await Ledger.DebitAsync(1, 50, "spend");
        await Ledger.CreditAsync(2, 10, "seed");
        await Sql.ExecuteAsync(database.Provider, _connection,
            $"UPDATE wallets SET allow_overdraft = {Sql.Bool(database.Provider, true)} WHERE owner_id = 2");
        await Ledger.DebitAsync(2, 35, "overdraft");
        var clean = await CliAsync("reconcile", "--dry-run");
        await DriftAsync(1, 3);
        await DriftAsync(2, -20);

        var fix = await CliAsync("reconcile");

        Assert.Equal(ExitCodes.Clean, clean.ExitCode);
        Assert.Equal(ExitCodes.Drift, fix.ExitCode);
        Assert.Equal(0, await CachedAsync(1));
        Assert.Equal(-25, await CachedAsync(2));
        Assert.Equal(ExitCodes.Clean, (await CliAsync("reconcile", "--dry-run")).ExitCode);
    }

    [Fact]
    public async Task Migrate_and_status_report_the_database()
    {
        await Ledger.CreditAsync(1, 10, "seed");

        var migrate = await CliAsync("migrate");
        var status = await CliAsync("status");

        Assert.Equal(ExitCodes.Clean, migrate.ExitCode);
        Assert.Contains("migrations up to date", migrate.Stdout, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Clean, status.ExitCode);
        Assert.Contains($"provider: {Provider}", status.Stdout, StringComparison.Ordinal);
        Assert.Contains("pending migrations: none", status.Stdout, StringComparison.Ordinal);
        Assert.Contains("wallets: 1", status.Stdout, StringComparison.Ordinal);
        Assert.Contains("entries: 1", status.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wallets_freeze_overdraft_and_changes_act_like_the_admin_routes_and_record_the_operator()
    {
        await Ledger.CreditAsync(1, 100, "seed");

        var freeze = await CliAsync("wallets", "freeze", "1");
        var again = await CliAsync("wallets", "freeze", "1", "--json");
        var refused = await Assert.ThrowsAsync<WalletFrozenException>(() => Ledger.DebitAsync(1, 1, "x"));
        var overdraft = await CliAsync("wallets", "overdraft", "1", "on");
        var bad = await CliAsync("wallets", "overdraft", "1", "maybe");
        var unfreeze = await CliAsync("wallets", "unfreeze", "1");
        var changes = await CliAsync("wallets", "changes", "--owner", "1", "--json");

        Assert.Equal((0, "wallet 1: frozen True, overdraft False"), (freeze.ExitCode, freeze.Stdout.Trim()));
        Assert.Contains("\"changed\":false", again.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, overdraft.ExitCode);
        Assert.Equal(2, bad.ExitCode);
        Assert.Equal(0, unfreeze.ExitCode);
        Assert.NotNull(refused);
        var records = System.Text.Json.JsonDocument.Parse(changes.Stdout).RootElement;
        Assert.Equal(["unfreeze", "overdraft_on", "freeze"], records.EnumerateArray().Select(r => r.GetProperty("change").GetString()));
        Assert.All(records.EnumerateArray(), r => Assert.StartsWith("cli:", r.GetProperty("actor").GetString(), StringComparison.Ordinal));
        Assert.Equal(99, (await Ledger.DebitAsync(1, 1, "x")).BalanceAfter);
    }
}

[Collection("cli-sqlite")]
public sealed class ReconcileCliSqliteTests(SqliteTestDatabase database) : ReconcileCliTests(database)
{
    [Fact]
    public async Task Status_and_migrate_answer_json_for_scripts_before_and_after_migrating()
    {
        var bare = database.Unmigrated();
        async Task<JsonElement> JsonOfAsync(params string[] args)
        {
            using var stdout = new StringWriter();
            using var stderr = new StringWriter();
            Assert.Equal(ExitCodes.Clean, await FuncLedgerCli.RunAsync([.. args, "--json", "--provider", "sqlite", "--connection", bare],
                stdout, stderr, false));
            return JsonDocument.Parse(stdout.ToString()).RootElement;
        }

        var before = await JsonOfAsync("status");
        var migrated = await JsonOfAsync("migrate");
        var again = await JsonOfAsync("migrate");
        var after = await JsonOfAsync("status");

        Assert.Equal("sqlite", before.GetProperty("provider").GetString());
        Assert.True(before.GetProperty("pendingMigrations").GetArrayLength() > 0);
        Assert.Equal(JsonValueKind.Null, before.GetProperty("wallets").ValueKind);
        Assert.Equal(before.GetProperty("pendingMigrations").GetArrayLength(), migrated.GetProperty("applied").GetArrayLength());
        Assert.Equal(0, again.GetProperty("applied").GetArrayLength());
        Assert.Equal(0, after.GetProperty("pendingMigrations").GetArrayLength());
        Assert.Equal((0L, 0L), (after.GetProperty("wallets").GetInt64(), after.GetProperty("entries").GetInt64()));
    }

    [Fact]
    public async Task Pending_migrations_exit_2_and_migrate_applies_them()
    {
        var bare = database.Unmigrated();
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var refused = await FuncLedgerCli.RunAsync(["reconcile", "--provider", "sqlite", "--connection", bare], stdout, stderr, false);
        var migrated = await FuncLedgerCli.RunAsync(["migrate", "--provider", "sqlite", "--connection", bare], stdout, stderr, false);
        var clean = await FuncLedgerCli.RunAsync(["reconcile", "--provider", "sqlite", "--connection", bare], stdout, stderr, false);

        Assert.Equal(ExitCodes.Error, refused);
        Assert.Contains("migration(s) pending", stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains("run 'funcledger migrate' first", stderr.ToString(), StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Clean, migrated);
        Assert.Equal(ExitCodes.Clean, clean);
    }

    [Fact]
    public async Task On_a_terminal_a_fix_shows_a_progress_bar_with_counts_on_stderr_and_stdout_is_the_same_report()
    {
        for (var owner = 1; owner <= 3; owner++)
        {
            await Ledger.CreditAsync(owner, 100, "seed");
            await DriftAsync(owner, 1);
        }

        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await FuncLedgerCli.RunAsync(["reconcile", "--provider", "sqlite", "--connection", Connection], stdout, stderr, interactive: true);

        Assert.Equal(ExitCodes.Drift, code);
        var bar = stderr.ToString();
        Assert.Contains("Scanned 3 wallets", bar, StringComparison.Ordinal);
        Assert.Contains("Fixing drifted wallets", bar, StringComparison.Ordinal);
        Assert.Contains("3/3", bar, StringComparison.Ordinal);
        Assert.Contains("100%", bar, StringComparison.Ordinal);
        Assert.DoesNotContain("fix: ", bar, StringComparison.Ordinal);
        Assert.StartsWith("drift: wallet ", stdout.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b", stdout.ToString(), StringComparison.Ordinal);
        Assert.Equal(100, await CachedAsync(3));

        // Not a terminal (a pipe, a log): plain lines, no bar.
        await DriftAsync(2, 5);
        var piped = await CliAsync("reconcile");
        Assert.Contains("fix: 1 of 1 drifted wallets", piped.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Fixing drifted wallets", piped.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_cli_runs_as_a_real_process_and_its_exit_code_is_read_from_it()
    {
        await Ledger.CreditAsync(1, 100, "seed");
        await DriftAsync(1, 1);

        var dry = await ProcessAsync("reconcile", "--dry-run", "--provider", "sqlite", "--connection", Connection);
        var fix = await ProcessAsync("reconcile", "--provider", "sqlite", "--connection", Connection);
        var clean = await ProcessAsync("reconcile", "--json", "--provider", "sqlite", "--connection", Connection);
        var bad = await ProcessAsync("reconcile", "--provider", "oracle");

        Assert.Equal(1, dry.ExitCode);
        Assert.Equal(1, fix.ExitCode);
        Assert.Equal(0, clean.ExitCode);
        Assert.Equal(0, JsonDocument.Parse(clean.Stdout).RootElement.GetProperty("driftCount").GetInt64());
        Assert.Equal(2, bad.ExitCode);
        Assert.Equal("error: Unknown Ledger:Provider 'oracle'. Use sqlite, postgres or sqlserver.", bad.Stderr.Trim());
        Assert.Equal(100, await CachedAsync(1));
    }

    private static Task<CliRun> ProcessAsync(params string[] args) =>
        CliProcess.RunAsync("dotnet", null, [Path.Combine(AppContext.BaseDirectory, "funcledger.dll"), .. args]);
}

[Collection("cli-postgres")]
public sealed class ReconcileCliPostgresTests(PostgresTestDatabase database) : ReconcileCliTests(database)
{
    [Fact]
    public async Task An_unreachable_database_exits_2_with_one_line()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var code = await FuncLedgerCli.RunAsync(["reconcile", "--provider", "postgres", "--connection", "Host=127.0.0.1;Port=1;Username=x;Password=y;Timeout=2"],
            stdout, stderr, false);

        Assert.Equal(ExitCodes.Error, code);
        Assert.Equal("error: cannot reach the database (NpgsqlException); check --provider and --connection", stderr.ToString().Trim());
        Assert.Empty(stdout.ToString());
    }

    [Fact]
    public async Task An_unknown_postgres_authentication_setting_exits_2_with_one_line_naming_it()
    {
        var settings = Path.Combine(Path.GetTempPath(), $"funcledger-cli-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(settings, """
            {"IsEncrypted":false,"Values":{"Ledger__Provider":"postgres","ConnectionStrings__Ledger":"Host=127.0.0.1;Username=app",
             "Ledger__Postgres__Authentication":"kerberos"}}
            """);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        try
        {
            var code = await FuncLedgerCli.RunAsync(["status", "--settings", settings], stdout, stderr, false);

            Assert.Equal(ExitCodes.Error, code);
            Assert.Equal("error: Unknown Ledger:Postgres:Authentication 'kerberos'. Use password or entra.", stderr.ToString().Trim());
        }
        finally
        {
            File.Delete(settings);
        }
    }
}

[CollectionDefinition("cli-sqlite")]
public sealed class CliSqliteCollection : ICollectionFixture<SqliteTestDatabase>;

[CollectionDefinition("cli-postgres")]
public sealed class CliPostgresCollection : ICollectionFixture<PostgresTestDatabase>;

/// <summary>The opt-in SQL Server lane (FUNCLEDGER_TEST_SQLSERVER): generated only when it is set.</summary>
[SqlServerLane, Collection("cli-sqlserver")]
public sealed class ReconcileCliSqlServerTests(SqlServerTestDatabase database) : ReconcileCliTests(database);

[CollectionDefinition("cli-sqlserver")]
public sealed class CliSqlServerCollection : ICollectionFixture<SqlServerTestDatabase>;
