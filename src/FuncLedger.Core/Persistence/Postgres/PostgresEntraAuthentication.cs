using Azure.Core;
using Azure.Identity;
using Npgsql;

namespace FuncLedger.Core.Persistence.Postgres;

/// <summary>How the ledger signs in to PostgreSQL: <c>Ledger:Postgres:Authentication</c> is <c>password</c> (the
/// connection string's, the default) or <c>entra</c> (Azure Database for PostgreSQL Flexible Server with Microsoft Entra
/// authentication: a token is the password). With <c>entra</c>, <c>Ledger:Postgres:ManagedIdentityClientId</c> names the
/// user-assigned identity (the function app's); without it the default Azure credential signs in (an operator's
/// <c>az login</c>, for the CLI).</summary>
public sealed class PostgresConnectionOptions
{
    public const string Password = "password";
    public const string Entra = "entra";

    public string Authentication { get; set; } = Password;

    public string? ManagedIdentityClientId { get; set; }

    internal bool UsesEntra => string.Equals(Authentication, Entra, StringComparison.OrdinalIgnoreCase);

    internal void Validate()
    {
        if (!UsesEntra && !string.Equals(Authentication, Password, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException(
                $"Unknown Ledger:Postgres:Authentication '{Authentication}'. Use {Password} or {Entra}.");
        }
    }
}

/// <summary>A PostgreSQL data source whose password is a Microsoft Entra access token, fetched before it expires.</summary>
internal static class PostgresEntraAuthentication
{
    /// <summary>The scope of Azure Database for PostgreSQL's Entra tokens.</summary>
    public const string Scope = "https://ossrdbms-aad.database.windows.net/.default";

    /// <summary>Tokens live an hour or more; a new one is fetched well before, and soon again after a failure.</summary>
    private static readonly TimeSpan Refresh = TimeSpan.FromMinutes(20);
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(5);

    public static TokenCredential Credential(PostgresConnectionOptions options) => options.ManagedIdentityClientId is { Length: > 0 } id
        ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(id))
        : new DefaultAzureCredential();

    public static NpgsqlDataSource DataSource(string connectionString, TokenCredential credential, LedgerConnectionOptions connection)
    {
        var builder = new NpgsqlDataSourceBuilder(connection.Postgres(connectionString));
        builder.UsePeriodicPasswordProvider(
            async (_, ct) => (await credential.GetTokenAsync(new TokenRequestContext([Scope]), ct)).Token, Refresh, RetryAfterFailure);
        return builder.Build();
    }
}
