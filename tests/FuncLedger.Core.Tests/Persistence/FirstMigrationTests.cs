using FuncLedger.Core.Maintenance;
using FuncLedger.Core.Persistence;
using FuncLedger.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace FuncLedger.Core.Tests.Persistence;

/// <summary>A newcomer's first migration on an empty PostgreSQL database logs no false alarm: the history table's absence
/// is expected, and EF's failed-command log ("fail: ... Failed executing DbCommand") said otherwise twice.</summary>
public sealed class FirstMigrationTests
{
    [Fact]
    public async Task The_first_migration_of_an_empty_PostgreSQL_database_logs_no_error()
    {
        var database = "funcledger_first_" + Guid.NewGuid().ToString("N")[..12];
        await TestServers.PostgresAdminAsync($"CREATE DATABASE {database}");
        try
        {
            var connection = new NpgsqlConnectionStringBuilder(TestServers.Postgres) { Database = database }.ToString();
            using var logs = new LogCapture();
            await using var services = new ServiceCollection()
                .AddLogging(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(logs))
                .AddLedgerCore(LedgerProvider.Postgres, connection)
                .BuildServiceProvider();

            var applied = await services.GetRequiredService<ILedgerMaintenance>().MigrateAsync();

            Assert.NotEmpty(applied);
            Assert.DoesNotContain(logs.Lines, l => l.StartsWith("Error ", StringComparison.Ordinal) || l.StartsWith("Critical ", StringComparison.Ordinal));
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await TestServers.PostgresAdminAsync($"DROP DATABASE IF EXISTS {database} WITH (FORCE)");
        }
    }
}
