using System.Text.Json;
using FuncLedger.Hosting;

namespace FuncLedger.Cli.Tests;

/// <summary><c>funcledger links create</c>: a link the app accepts for that owner only, signed with the app's secret from
/// the same settings as every command.</summary>
public sealed class LinksCliTests
{
    private const string Secret = "cli-test-history-link-secret-0123456789";

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(string? secret, params string[] args)
    {
        var settings = Path.Combine(Path.GetTempPath(), "funcledger-links-" + Guid.NewGuid().ToString("N")[..8] + ".json");
        await File.WriteAllTextAsync(settings, JsonSerializer.Serialize(new
        {
            Values = new Dictionary<string, string?> { ["HistoryLinks__Secret"] = secret, ["HistoryLinks__BaseUrl"] = "https://ledger.example/api/" },
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

    [Fact]
    public async Task A_link_is_signed_for_one_owner_and_expires_when_it_says()
    {
        var (code, url, stderr) = await RunAsync(Secret, "links", "create", "--owner", "42", "--ttl", "15m");

        Assert.Equal(0, code);
        Assert.StartsWith("https://ledger.example/api/history/42?t=", url, StringComparison.Ordinal);
        Assert.StartsWith("expires ", stderr, StringComparison.Ordinal);
        var token = url[(url.IndexOf("?t=", StringComparison.Ordinal) + 3)..];
        var links = new HistoryLinks(new HistoryLinkOptions { Secret = Secret }, TimeProvider.System);
        Assert.Equal(HistoryLinkCheck.Valid, links.Check(42, token));
        Assert.Equal(HistoryLinkCheck.Invalid, links.Check(43, token));
        Assert.Equal(HistoryLinkCheck.Invalid, new HistoryLinks(new HistoryLinkOptions { Secret = Secret + "x" }, TimeProvider.System).Check(42, token));
        Assert.Equal(HistoryLinkCheck.Expired, new HistoryLinks(new HistoryLinkOptions { Secret = Secret },
            new Later(TimeProvider.System.GetUtcNow().AddMinutes(16))).Check(42, token));

        var (jsonCode, json, _) = await RunAsync(Secret, "links", "create", "--owner", "7", "--ttl", "2h", "--json");
        Assert.Equal(0, jsonCode);
        var link = JsonDocument.Parse(json).RootElement;
        Assert.Equal(7, link.GetProperty("ownerId").GetInt64());
        Assert.InRange(link.GetProperty("expiresAt").GetDateTimeOffset() - TimeProvider.System.GetUtcNow(), TimeSpan.FromMinutes(119), TimeSpan.FromMinutes(121));
    }

    [Theory]
    [InlineData(null, "15m", "error: Set HistoryLinks__Secret (32 characters or more) to issue and check history links.")]
    [InlineData("short", "15m", "error: Set HistoryLinks__Secret (32 characters or more) to issue and check history links.")]
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
