using FuncLedger.Core.Persistence;
using FuncLedger.TestSupport;
using Npgsql;

namespace FuncLedger.Functions.Tests;

/// <summary>A cold instance's first request does not wait for the ledger's first connection: the host opens it when it
/// starts, beside EF Core's model, before any function is called.</summary>
[Collection("functions-postgres")]
public sealed class WarmUpHostTests(PostgresTestDatabase database)
{
    [Fact]
    public async Task The_host_opens_the_ledgers_first_connection_when_it_starts_before_any_request()
    {
        var application = "host-warm-up-" + Guid.NewGuid().ToString("N")[..12];
        var connectionString = new NpgsqlConnectionStringBuilder(await database.CreateAsync()) { ApplicationName = application }.ToString();
        var count = $"SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = '{application}'";

        await using var host = new FunctionsHost(LedgerProvider.Postgres, connectionString);

        var deadline = DateTime.UtcNow.AddSeconds(20);
        var connections = 0L;
        while (connections == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
            connections = await Sql.ScalarAsync(LedgerProvider.Postgres, database.ConnectionString, count);
        }

        Assert.Equal(1, connections);
    }
}
