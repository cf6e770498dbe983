using System.Text.Json;
using FuncLedger.Hosting;
using FuncLedger.TestSupport;

namespace FuncLedger.Cli.Tests;

/// <summary><c>funcledger links create|revoke</c>: a link the app accepts for that owner only, signed with the app's secret
/// from the same settings as every command under the owner's link epoch in the ledger's database; revoking ends it.</summary>
public sealed class LinksCliTests : IAsyncLifetime
{
    private const string Secret = "cli-test-history-link-secret-0123456789";
    private readonly SqliteTestDatabase _database = new();
    private string _connection = "";

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _connection = await _database.CreateAsync();
    }

    public Task DisposeAsync() => _database.DisposeAsync();

    private async Task<(int Code, string Stdout, string Stderr)> RunAsync(string? secret, params string[] args)
    {
        var settings = Path.Combine(Path.GetTempPath(), "funcledger-links-" + Guid.NewGuid().ToString("N")[..8] + ".json");
        await File.WriteAllTextAsync(settings, JsonSerializer.Serialize(new
        {
            Values = new Dictionary<string, string?>
            {
                ["HistoryLinks__Secret"] = secret, ["HistoryLinks__BaseUrl"] = "https://ledger.example/api/",
                ["Ledger__Provider"] = "sqlite", ["ConnectionStrings__Ledger"] = _connection,
            },
        }));
        try
        {
            using var stdout = new StringWriter();
            using var stderr = new StringWriter();
            var code = await FuncLedgerCli.RunAsync([.. args, "--settings", settings], stdout, stderr, interactive: false);
            return (code, stdout.ToString().Trim(), stderr.ToString().Trim());
        }
        finally
        {
            File.Delete(settings);
        }
    }

    private static string TokenOf(string url) => url[(url.IndexOf("?t=", StringComparison.Ordinal) + 3)..];

    [Fact]
    public async Task A_link_is_signed_for_one_owner_and_expires_when_it_says()
    {
        var (code, url, stderr) = await RunAsync(Secret, "links", "create", "--owner", "42", "--ttl", "15m");

        Assert.Equal(0, code);
        Assert.StartsWith("https://ledger.example/api/history/42?t=", url, StringComparison.Ordinal);
        Assert.StartsWith("expires ", stderr, StringComparison.Ordinal);
        var token = TokenOf(url);
        var links = new HistoryLinks(new HistoryLinkOptions { Secret = Secret }, TimeProvider.System);
        Assert.Equal((HistoryLinkCheck.Valid, 0), links.Check(42, token));
        Assert.Equal(HistoryLinkCheck.Invalid, links.Check(43, token).Result);
        Assert.Equal(HistoryLinkCheck.Invalid, new HistoryLinks(new HistoryLinkOptions { Secret = Secret + "x" }, TimeProvider.System)
            .Check(42, token).Result);
        Assert.Equal(HistoryLinkCheck.Expired, new HistoryLinks(new HistoryLinkOptions { Secret = Secret },
            new Later(TimeProvider.System.GetUtcNow().AddMinutes(16))).Check(42, token).Result);

        var (jsonCode, json, _) = await RunAsync(Secret, "links", "create", "--owner", "7", "--json");
        Assert.Equal(0, jsonCode);
        var link = JsonDocument.Parse(json).RootElement;
        Assert.Equal(7, link.GetProperty("ownerId").GetInt64());
        // 24 hours unless asked otherwise.
        Assert.InRange(link.GetProperty("expiresAt").GetDateTimeOffset() - TimeProvider.System.GetUtcNow(),
            TimeSpan.FromHours(24) - TimeSpan.FromMinutes(1), TimeSpan.FromHours(24) + TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task Revoking_an_owners_links_moves_the_epoch_on_so_the_next_link_carries_the_new_one()
    {
        var (_, before, _) = await RunAsync(Secret, "links", "create", "--owner", "42");
        var (code, revoked, _) = await RunAsync(Secret, "links", "revoke", "--owner", "42", "--json");
        var (_, after, _) = await RunAsync(Secret, "links", "create", "--owner", "42");

        Assert.Equal(0, code);
        Assert.Equal(1, JsonDocument.Parse(revoked).RootElement.GetProperty("epoch").GetInt32());
        var links = new HistoryLinks(new HistoryLinkOptions { Secret = Secret }, TimeProvider.System);
        Assert.Equal(0, links.Check(42, TokenOf(before)).Epoch);
        Assert.Equal(1, links.Check(42, TokenOf(after)).Epoch);
        Assert.Equal(1, await Sql.ScalarAsync(Core.Persistence.LedgerProvider.Sqlite, _connection,
            "SELECT COUNT(*) FROM history_link_epochs WHERE owner_id = 42 AND revoked_by LIKE 'cli:%'"));
    }

    [Theory]
    [InlineData(null, "15m", "error: Set HistoryLinks__Secret (32 bytes or more) to issue and check history links.")]
    [InlineData("short", "15m", "error: Set HistoryLinks__Secret (32 bytes or more) to issue and check history links.")]
    [InlineData("@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/history-link-secret)", "15m",
        "error: HistoryLinks__Secret is a Key Vault reference the platform did not resolve: check the app identity's access to the vault.")]
    [InlineData(Secret, "8d", "error: A link lives 1 minute to 10080 minutes.")]
    [InlineData(Secret, "soon", "error: A lifetime is a number with s, m, h or d (15m, 2h, 1d).")]
    public async Task No_secret_or_a_bad_lifetime_exits_2_with_one_line(string? secret, string ttl, string error)
    {
        var (code, stdout, stderr) = await RunAsync(secret, "links", "create", "--owner", "42", "--ttl", ttl);

        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Equal(error, stderr);
    }

    private sealed class Later(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
