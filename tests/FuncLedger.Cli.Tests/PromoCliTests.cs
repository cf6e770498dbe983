using System.Text.Json;
using FuncLedger.Core;
using FuncLedger.Core.Commerce;
using FuncLedger.Core.Domain;
using FuncLedger.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace FuncLedger.Cli.Tests;

/// <summary><c>funcledger promo create|generate|stats|deactivate|budget</c> on a real SQLite database: a campaign created, codes
/// written to a CSV file (and only their hashes to the database), the stats, a switch-off, a taken vanity code exiting 2, and the
/// budget lines exiting 1 on drift.</summary>
public sealed class PromoCliTests : IAsyncLifetime
{
    private readonly SqliteTestDatabase _database = new();
    private string _connection = "";

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _connection = await _database.CreateAsync();
    }

    public Task DisposeAsync() => _database.DisposeAsync();

    private async Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await FuncLedgerCli.RunAsync([.. args, "--provider", "sqlite", "--connection", _connection], stdout, stderr,
            interactive: false);
        return (code, stdout.ToString().Trim(), stderr.ToString().Trim());
    }

    [Fact]
    public async Task An_operator_creates_a_campaign_generates_codes_to_a_file_reads_its_stats_and_switches_it_off()
    {
        var file = Path.Combine(Path.GetTempPath(), $"codes-{Guid.NewGuid():N}.csv");
        try
        {
            var created = await RunAsync("promo", "create", "--name", "Welcome", "--coins", "100", "--max", "1000", "--code", "welcome10",
                "--json");
            var id = JsonDocument.Parse(created.Stdout).RootElement.GetProperty("campaignId").GetInt64().ToString(
                System.Globalization.CultureInfo.InvariantCulture);
            var generated = await RunAsync("promo", "generate", "--campaign", id, "--count", "25", "--out", file);
            var stats = await RunAsync("promo", "stats", "--campaign", id);
            var off = await RunAsync("promo", "deactivate", "--campaign", id, "--json");
            var taken = await RunAsync("promo", "create", "--name", "Again", "--coins", "5", "--code", "WELCOME10");
            await RunAsync("promo", "create", "--name", "Other", "--coins", "5", "--code", "OTHER1");
            var clash = await RunAsync("promo", "create", "--name", "Clash", "--coins", "5", "--code", "other1");
            var missing = await RunAsync("promo", "stats", "--campaign", "999");

            Assert.Equal((0, 0, 0), (created.Code, generated.Code, stats.Code));
            var lines = await File.ReadAllLinesAsync(file);
            Assert.Equal("code", lines[0]);
            Assert.Equal(25, lines.Skip(1).Distinct().Count());
            Assert.Equal(25, await Sql.ScalarAsync(Core.Persistence.LedgerProvider.Sqlite, _connection, "SELECT COUNT(*) FROM promo_codes"));
            Assert.Equal(0, await Sql.ScalarAsync(Core.Persistence.LedgerProvider.Sqlite, _connection, $"SELECT COUNT(*) FROM promo_codes WHERE code_hash = '{lines[1]}'"));
            Assert.Contains("codes issued 25, redemptions 0 of 1000, coins granted 0", stats.Stdout, StringComparison.Ordinal);
            Assert.False(JsonDocument.Parse(off.Stdout).RootElement.GetProperty("active").GetBoolean());
            Assert.Equal(0, taken.Code); // the first campaign is off: its code is free again
            Assert.Equal(2, clash.Code);
            Assert.Contains("An active campaign has the code 'OTHER1'", clash.Stderr, StringComparison.Ordinal);
            Assert.Contains("No campaign has id 999", missing.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task The_budget_lists_each_campaign_and_exits_1_when_a_redemption_disagrees_with_its_entry()
    {
        var created = await RunAsync("promo", "create", "--name", "Spring", "--coins", "30", "--code", "SPRING", "--json");
        var id = JsonDocument.Parse(created.Stdout).RootElement.GetProperty("campaignId").GetInt64();
        await using (var services = new ServiceCollection().AddLogging().AddLedgerCore(Core.Persistence.LedgerProvider.Sqlite, _connection)
            .BuildServiceProvider())
        {
            var promos = services.GetRequiredService<IPromos>();
            await promos.RedeemAsync(new RedeemCommand(OwnerId.From(1), "SPRING", IdempotencyKey.From("cli-1")));
            await promos.RedeemAsync(new RedeemCommand(OwnerId.From(2), "SPRING", IdempotencyKey.From("cli-2")));
        }

        var clean = await RunAsync("promo", "budget");
        await Sql.ExecuteAsync(Core.Persistence.LedgerProvider.Sqlite, _connection, "UPDATE promo_redemptions SET coins = 31 WHERE id = 1");
        var drifted = await RunAsync("promo", "budget", "--json");

        Assert.Equal(0, clean.Code);
        Assert.Contains($"campaign {id}: redemptions 2 (0 revoked), recorded 60, entries 60", clean.Stdout, StringComparison.Ordinal);
        Assert.EndsWith("coins granted 60, promo entries without a redemption 0 (consistent)", clean.Stdout, StringComparison.Ordinal);
        Assert.Equal(1, drifted.Code);
        var line = JsonDocument.Parse(drifted.Stdout).RootElement.GetProperty("campaigns")[0];
        Assert.Equal((61L, 60L, true), (line.GetProperty("coinsRecorded").GetInt64(), line.GetProperty("coinsGranted").GetInt64(),
            line.GetProperty("drifts").GetBoolean()));
    }
}
