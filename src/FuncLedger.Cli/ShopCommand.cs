using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using FuncLedger.Core.Commerce;
using FuncLedger.Core.Domain;
using Microsoft.Extensions.DependencyInjection;

namespace FuncLedger.Cli;

/// <summary><c>funcledger shop items list|add|update|deactivate</c> and <c>shop revenue</c>: the catalog and the revenue, as the
/// master key's <c>ops/shop</c> routes keep them.</summary>
internal static class ShopCommand
{
    private static readonly Option<bool> JsonOption = new("--json") { Description = "Print JSON on stdout" };

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var items = new Command("items", "List, add, change or deactivate the shop's items.");
        items.Subcommands.Add(List(stdout, stderr));
        items.Subcommands.Add(Terms("add", "Add an item (on sale at once within its window).", stdout, stderr,
            (shop, sku, terms, ct) => shop.CreateItemAsync(sku, terms, ct)));
        items.Subcommands.Add(Terms("update", "Replace an item's terms (past purchases keep their price).", stdout, stderr,
            (shop, sku, terms, ct) => shop.UpdateItemAsync(sku, terms, ct)));
        var sku = new Argument<string>("sku") { Description = "The item's sku" };
        var deactivate = new Command("deactivate", "Take an item off sale.") { sku, JsonOption };
        deactivate.SetAction((parse, ct) => RunAsync(parse, stdout, stderr, async shop =>
            [await shop.DeactivateItemAsync(Sku.From(parse.GetValue(sku)), ct)], ct));
        items.Subcommands.Add(deactivate);
        var revenue = new Command("revenue", "The shop's revenue, checked against the ledger's entries.") { JsonOption };
        revenue.SetAction((parse, ct) => FuncLedgerCli.GuardAsync(parse, stderr, async () =>
        {
            await using var services = await CliSettings.ConnectAsync(parse, stderr, ct);
            var r = await services.GetRequiredService<IShop>().GetRevenueAsync(ct);
            await stdout.WriteLineAsync(parse.GetValue(JsonOption)
                ? JsonSerializer.Serialize(r, CliJson.Default.ShopRevenue)
                : string.Create(CultureInfo.InvariantCulture, $"purchases {r.Purchases}, units {r.UnitsSold}, gross {r.Gross}, "
                    + $"refunded {r.Refunded}, net {r.Net}, entries {r.EntriesNet} ({(r.Consistent ? "consistent" : "DRIFT")})"));
            return r.Consistent ? ExitCodes.Clean : ExitCodes.Drift;
        }));
        return new Command("shop", "The coin shop's catalog and revenue.") { items, revenue };
    }

    private static Command List(TextWriter stdout, TextWriter stderr)
    {
        var all = new Option<bool>("--all") { Description = "Every item, on sale or not" };
        var command = new Command("list", "The items on sale now (every item with --all), in sku order.") { all, JsonOption };
        command.SetAction((parse, ct) => RunAsync(parse, stdout, stderr, async shop =>
        {
            var found = new List<ShopItem>();
            string? cursor = null;
            do
            {
                var page = await shop.ListItemsAsync(new ShopPage(ShopLimits.PageLimitMax, cursor), parse.GetValue(all), ct);
                found.AddRange(page.Items);
                cursor = page.Next;
            }
            while (cursor is not null);
            return found;
        }, ct));
        return command;
    }

    private static Command Terms(string name, string description, TextWriter stdout, TextWriter stderr,
        Func<IShop, Sku, ItemTerms, CancellationToken, Task<ShopItem>> write)
    {
        var sku = new Argument<string>("sku") { Description = "The item's sku: 1 to 64 of a-z, 0-9, '.', '_' and '-'" };
        var title = new Option<string>("--title") { Description = "The title players see", Required = true };
        var price = new Option<long>("--price") { Description = "Coins per unit", Required = true };
        var stock = new Option<long?>("--stock") { Description = "Units left (absent: unlimited)" };
        var limit = new Option<int?>("--limit") { Description = "Units one player may buy in all (absent: none)" };
        var starts = new Option<DateTimeOffset?>("--starts") { Description = "On sale from (ISO 8601 with offset)" };
        var ends = new Option<DateTimeOffset?>("--ends") { Description = "On sale until (ISO 8601 with offset)" };
        var command = new Command(name, description) { sku, title, price, stock, limit, starts, ends, JsonOption };
        command.SetAction((parse, ct) => RunAsync(parse, stdout, stderr, async shop =>
        {
            var terms = ItemTerms.Create(parse.GetValue(title), Coins.From(parse.GetValue(price)), parse.GetValue(stock),
                parse.GetValue(limit), parse.GetValue(starts), parse.GetValue(ends), null);
            return [await write(shop, Sku.From(parse.GetValue(sku)), terms, ct)];
        }, ct));
        return command;
    }

    private static Task<int> RunAsync(ParseResult parse, TextWriter stdout, TextWriter stderr,
        Func<IShop, Task<List<ShopItem>>> run, CancellationToken ct) =>
        FuncLedgerCli.GuardAsync(parse, stderr, async () =>
        {
            await using var services = await CliSettings.ConnectAsync(parse, stderr, ct);
            var items = await run(services.GetRequiredService<IShop>());
            if (parse.GetValue(JsonOption))
            {
                await stdout.WriteLineAsync(JsonSerializer.Serialize([.. items], CliJson.Default.ShopItemArray));
                return ExitCodes.Clean;
            }

            foreach (var i in items)
            {
                var stock = i.Stock is { } s ? s.ToString(CultureInfo.InvariantCulture) : "unlimited";
                await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{i.Sku,-24} {i.Price,10} coins  stock {stock,-10}"
                    + $" {(i.Available ? "on sale" : i.Active ? "not on sale" : "inactive")}  {i.Title}"));
            }

            return ExitCodes.Clean;
        });
}
