using System.Data.Common;
using Microsoft.Data.SqlClient;
using Npgsql;

namespace FuncLedger.Core.Persistence;

/// <summary>
/// A connection of the ledger's database opened without EF Core, from the pool EF Core's connections come from: the same
/// connection string (<see cref="LedgerDatabase.ServerConnectionString"/>) or the same data source (Microsoft Entra
/// sign-in). Used to open the process's first connection while EF Core
/// builds its model (<see cref="Maintenance.ILedgerMaintenance.WarmUpAsync"/>). SQLite has no pool and no network: none.
/// </summary>
internal sealed class LedgerConnections(Func<CancellationToken, ValueTask<DbConnection>>? open)
{
    public static LedgerConnections For(LedgerProvider provider, string? connectionString, LedgerConnectionOptions connection) =>
        provider switch
        {
            LedgerProvider.Postgres when !string.IsNullOrWhiteSpace(connectionString) => new(ct =>
                OpenAsync(new NpgsqlConnection(LedgerDatabase.ServerConnectionString(provider, connectionString, connection)), ct)),
            LedgerProvider.SqlServer when !string.IsNullOrWhiteSpace(connectionString) => new(ct =>
                OpenAsync(new SqlConnection(LedgerDatabase.ServerConnectionString(provider, connectionString, connection)), ct)),
            _ => new(null),
        };

    public static LedgerConnections For(NpgsqlDataSource dataSource) => new(async ct => await dataSource.OpenConnectionAsync(ct));

    /// <summary>Opens one connection and gives it back to the pool, open (nothing when the provider has no pool).</summary>
    public async Task OpenAheadAsync(CancellationToken cancellationToken)
    {
        if (open is null)
        {
            return;
        }

        var connection = await open(cancellationToken);
        await connection.DisposeAsync();
    }

    private static async ValueTask<DbConnection> OpenAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}
