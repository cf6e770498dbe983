using Azure.Core;
using FuncLedger.Core.Operations;
using FuncLedger.Core.Persistence;
using FuncLedger.Core.Persistence.Postgres;
using FuncLedger.Core.Tests.Infrastructure;
using FuncLedger.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace FuncLedger.Core.Tests.Persistence;

/// <summary>
/// Azure Database for PostgreSQL with Microsoft Entra authentication (infra's <c>databaseEngine=postgres</c>): the app's
/// token is the password. Here a real PostgreSQL role whose password is a token a test credential hands out stands in
/// for Entra, so the path from credential to connection is the one production takes.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresEntraAuthenticationTests(PostgresDatabaseFixture database)
{
    private sealed class TokenIssuer(string token) : TokenCredential
    {
        public List<string> Scopes { get; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            throw new NotSupportedException("the data source asks asynchronously");

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            lock (Scopes)
            {
                Scopes.AddRange(requestContext.Scopes);
            }

            return ValueTask.FromResult(new AccessToken(token, DateTimeOffset.UtcNow.AddHours(1)));
        }
    }

    [Fact]
    public async Task The_ledger_signs_in_with_the_credentials_token_as_its_password_and_works()
    {
        await using var harness = await database.CreateHarnessAsync();
        var role = "entra_app_" + Guid.NewGuid().ToString("N")[..8];
        var token = "eyJ0eXAi." + Guid.NewGuid().ToString("N");
        await harness.ExecuteAsync($"CREATE ROLE {role} LOGIN PASSWORD '{token}'; "
            + $"GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO {role}; GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {role};");
        var connection = new NpgsqlConnectionStringBuilder(harness.ConnectionString) { Username = role, Password = null }.ToString();
        var issuer = new TokenIssuer(token);
        try
        {
            await using var services = new ServiceCollection().AddLogging()
                .AddLedgerCore(LedgerProvider.Postgres, connection, retry: null, entraCredential: issuer).BuildServiceProvider();
            var ledger = services.GetRequiredService<ILedger>();

            await ledger.CreditAsync(42, 100, "entra", "entra-1");
            var debit = await ledger.DebitAsync(42, 30, "entra", "entra-2");

            Assert.Equal(70, debit.BalanceAfter);
            Assert.Equal(70, await ledger.GetBalanceAsync(42));
            Assert.Contains(PostgresEntraAuthentication.Scope, issuer.Scopes);
            Assert.Equal("https://ossrdbms-aad.database.windows.net/.default", PostgresEntraAuthentication.Scope);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await harness.ExecuteAsync($"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role}; "
                + $"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {role}; DROP ROLE {role};");
        }
    }

    [Fact]
    public void The_setting_is_read_from_configuration_and_an_unknown_value_is_refused_by_name()
    {
        static IServiceCollection Configure(string authentication) => new ServiceCollection().AddLedgerCore(
            new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Ledger:Provider"] = "postgres",
                ["ConnectionStrings:Ledger"] = "Host=127.0.0.1;Username=app;Database=funcledger",
                ["Ledger:Postgres:Authentication"] = authentication,
                ["Ledger:Postgres:ManagedIdentityClientId"] = "00000000-0000-0000-0000-000000000001",
            }).Build());

        var entra = Configure("entra");
        var error = Assert.Throws<ArgumentException>(() => Configure("kerberos"));

        Assert.Contains(entra, d => d.ServiceType == typeof(NpgsqlDataSource));
        Assert.DoesNotContain(Configure("password"), d => d.ServiceType == typeof(NpgsqlDataSource));
        Assert.Equal("Unknown Ledger:Postgres:Authentication 'kerberos'. Use password or entra.", error.Message);
    }
}
