using System.Text.Json;
using FuncLedger.TestSupport;

namespace FuncLedger.Cli.Tests;

/// <summary><c>funcledger shop items list|add|update|deactivate</c> and <c>shop revenue</c> on a real SQLite database: what an
/// operator adds is what the list shows, a bad sku exits 2 with one line, and the revenue of an empty shop is consistent.</summary>
public sealed class ShopCliTests : IAsyncLifetime
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
    public async Task An_operator_adds_changes_lists_and_deactivates_items_and_reads_the_revenue()
    {
        var added = await RunAsync("shop", "items", "add", "golden-frame", "--title", "Golden frame", "--price", "150", "--stock", "10");
        var updated = await RunAsync("shop", "items", "update", "golden-frame", "--title", "Golden frame", "--price", "180",
            "--json");
        await RunAsync("shop", "items", "add", "badge", "--title", "Badge", "--price", "20", "--limit", "1");
        var deactivated = await RunAsync("shop", "items", "deactivate", "badge");
        var onSale = await RunAsync("shop", "items", "list", "--json");
        var all = await RunAsync("shop", "items", "list", "--all");
        var bad = await RunAsync("shop", "items", "add", "Bad Sku", "--title", "x", "--price", "1");
        var revenue = await RunAsync("shop", "revenue", "--json");

        Assert.Equal(0, added.Code);
        Assert.Contains("golden-frame", added.Stdout, StringComparison.Ordinal);
        Assert.Equal(180, JsonDocument.Parse(updated.Stdout).RootElement[0].GetProperty("price").GetInt64());
        Assert.Contains("inactive", deactivated.Stdout, StringComparison.Ordinal);
        Assert.Equal(["golden-frame"], JsonDocument.Parse(onSale.Stdout).RootElement.EnumerateArray()
            .Select(i => i.GetProperty("sku").GetString()));
        Assert.Equal(2, all.Stdout.Split('\n').Length);
        Assert.Equal(2, bad.Code);
        Assert.Contains("sku", bad.Stderr, StringComparison.Ordinal);
        Assert.Equal((0, true), (revenue.Code, JsonDocument.Parse(revenue.Stdout).RootElement.GetProperty("consistent").GetBoolean()));
    }
}
