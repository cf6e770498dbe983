using FuncLedger.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;

namespace FuncLedger.Core.Tests.Persistence;

/// <summary>The checked-in migrations match the model for every provider, and the SQL Server script is current.</summary>
public sealed class MigrationTests
{
    private static readonly Dictionary<LedgerProvider, string> Connections = new()
    {
        [LedgerProvider.Sqlite] = "Data Source=unused.db",
        [LedgerProvider.Postgres] = "Host=localhost;Database=unused",
        [LedgerProvider.SqlServer] = "Server=localhost;Database=unused;TrustServerCertificate=true",
    };

    private static LedgerDbContext Context(LedgerProvider provider) =>
        new((DbContextOptions<LedgerDbContext>)LedgerDatabase.Configure(new DbContextOptionsBuilder<LedgerDbContext>(), provider, Connections[provider]).Options);

    [Theory]
    [InlineData(LedgerProvider.Sqlite)]
    [InlineData(LedgerProvider.Postgres)]
    [InlineData(LedgerProvider.SqlServer)]
    public void The_model_has_no_changes_without_a_migration(LedgerProvider provider)
    {
        using var db = Context(provider);

        Assert.NotEmpty(LedgerDatabase.KnownMigrations(db));
        Assert.False(db.Database.HasPendingModelChanges(),
            $"The model changed without a migration for {provider}: run dotnet ef migrations add for FuncLedger.Migrations.{provider}.");
    }

    [Fact]
    public void The_checked_in_SQL_Server_script_is_the_idempotent_script_of_the_migrations()
    {
        using var db = Context(LedgerProvider.SqlServer);
        var generated = db.GetService<IMigrator>().GenerateScript(options: MigrationsSqlGenerationOptions.Idempotent);
        var checkedIn = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "funcledger-sqlserver.sql"));

        Assert.Equal(Normalize(generated), Normalize(checkedIn));
    }

    [Theory]
    [InlineData(LedgerProvider.Sqlite)]
    [InlineData(LedgerProvider.Postgres)]
    [InlineData(LedgerProvider.SqlServer)]
    public void The_schema_uses_the_contract_names_and_indexes(LedgerProvider provider)
    {
        using var db = Context(provider);
        var model = db.GetService<IDesignTimeModel>().Model;
        var entries = model.FindEntityType(typeof(Core.Persistence.LedgerEntry))!;
        var wallets = model.FindEntityType(typeof(Core.Persistence.Wallet))!;

        Assert.Equal("ledger_entries", entries.GetTableName());
        Assert.Equal("wallets", wallets.GetTableName());
        Assert.Contains(entries.GetIndexes(), i => i.GetDatabaseName() == "ix_ledger_entries_wallet_id_created_at");
        Assert.Contains(entries.GetIndexes(), i => i.GetDatabaseName() == "ix_ledger_entries_wallet_id_id");
        Assert.Contains(entries.GetIndexes(), i => i.IsUnique && i.GetDatabaseName() == FuncLedger.Core.Persistence.Commands.Sql.IdempotencyKeyIndex);
        Assert.Contains(wallets.GetIndexes(), i => i.IsUnique && i.GetDatabaseName() == "ux_wallets_owner_id");
        Assert.Contains(entries.GetCheckConstraints(), c => c.Sql == "amount <> 0");
        Assert.Equal(DeleteBehavior.Restrict, Assert.Single(entries.GetForeignKeys()).DeleteBehavior);
    }

    [Fact]
    public void On_SQL_Server_keys_and_fingerprints_compare_byte_for_byte_whatever_the_database_collation()
    {
        // Azure SQL's default collation is case-insensitive: `order-a` then `Order-A` would be one key to the unique index
        // and two to the ledger's ordinal replay check, and every retry would answer 500.
        using var db = Context(LedgerProvider.SqlServer);
        var entries = db.GetService<IDesignTimeModel>().Model.FindEntityType(typeof(Core.Persistence.LedgerEntry))!;
        var script = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "funcledger-sqlserver.sql"));

        Assert.Equal("Latin1_General_100_BIN2", entries.FindProperty(nameof(Core.Persistence.LedgerEntry.IdempotencyKey))!.GetCollation());
        Assert.Equal("Latin1_General_100_BIN2", entries.FindProperty(nameof(Core.Persistence.LedgerEntry.RequestFingerprint))!.GetCollation());
        Assert.Contains("ALTER COLUMN [idempotency_key] varchar(128) COLLATE Latin1_General_100_BIN2 NULL;", script, StringComparison.Ordinal);
        Assert.Contains("ALTER COLUMN [request_fingerprint] char(64) COLLATE Latin1_General_100_BIN2 NULL;", script, StringComparison.Ordinal);
    }

    [Fact]
    public void Provider_names_parse_case_insensitively_and_unknown_ones_are_refused()
    {
        Assert.Equal(LedgerProvider.Sqlite, LedgerProviders.Parse(null));
        Assert.Equal(LedgerProvider.Postgres, LedgerProviders.Parse("PostgreSQL"));
        Assert.Equal(LedgerProvider.SqlServer, LedgerProviders.Parse("SqlServer"));
        Assert.Throws<ArgumentException>(() => LedgerProviders.Parse("oracle"));
    }

    private static string Normalize(string sql) => sql.Replace("\r\n", "\n", StringComparison.Ordinal).Trim('\uFEFF', '\n', ' ');
}
