using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using FuncLedger.Core.Commerce;
using Microsoft.Extensions.DependencyInjection;

namespace FuncLedger.Cli;

/// <summary><c>funcledger promo create|generate|stats|deactivate|budget</c>: campaigns, single-use codes and the budget lines, as
/// the master key's <c>ops/promo</c> routes keep them.</summary>
internal static class PromoCommand
{
    private static readonly Option<bool> JsonOption = new("--json") { Description = "Print JSON on stdout" };

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var name = new Option<string>("--name") { Description = "The campaign's name", Required = true };
        var coins = new Option<long>("--coins") { Description = "Coins each redemption grants", Required = true };
        var max = new Option<int?>("--max") { Description = "The total cap (absent: none)" };
        var perPlayer = new Option<int?>("--per-player") { Description = "Redemptions per player (1 when absent)" };
        var vanity = new Option<string?>("--code") { Description = "A vanity code shared by many players" };
        var starts = new Option<DateTimeOffset?>("--starts") { Description = "Redeemable from (ISO 8601 with offset)" };
        var ends = new Option<DateTimeOffset?>("--ends") { Description = "Redeemable until (ISO 8601 with offset)" };
        var create = new Command("create", "Create an active campaign.") { name, coins, max, perPlayer, vanity, starts, ends, JsonOption };
        create.SetAction((parse, ct) => RunAsync(parse, stdout, stderr, promos => promos.CreateCampaignAsync(CampaignTerms.Create(
            parse.GetValue(name), parse.GetValue(coins), null, parse.GetValue(starts), parse.GetValue(ends), parse.GetValue(max),
            parse.GetValue(perPlayer), parse.GetValue(vanity)), ct), ct));

        var campaign = new Option<long>("--campaign") { Description = "The campaign's id", Required = true };
        var stats = new Command("stats", "A campaign's terms and counts.") { campaign, JsonOption };
        stats.SetAction((parse, ct) => RunAsync(parse, stdout, stderr, p => p.GetCampaignAsync(parse.GetValue(campaign), ct), ct));
        var deactivate = new Command("deactivate", "Switch a campaign off: its codes answer promo_invalid.") { campaign, JsonOption };
        deactivate.SetAction((parse, ct) =>
            RunAsync(parse, stdout, stderr, p => p.SetCampaignActiveAsync(parse.GetValue(campaign), false, ct), ct));

        var count = new Option<int>("--count") { Description = "How many codes (1 to 100,000)", Required = true };
        var output = new Option<FileInfo>("--out")
        {
            Description = "The CSV file to write the codes to (shown nowhere else)", Required = true,
        };
        var generate = new Command("generate", "Generate single-use codes into a CSV file; the database keeps only their hashes.")
        {
            campaign, count, output,
        };
        generate.SetAction((parse, ct) => FuncLedgerCli.GuardAsync(parse, stderr, async () =>
        {
            await using var services = await CliSettings.ConnectAsync(parse, stderr, ct);
            var codes = await services.GetRequiredService<IPromos>()
                .GenerateCodesAsync(parse.GetValue(campaign), parse.GetValue(count), ct);
            var file = parse.GetValue(output)!;
            await File.WriteAllLinesAsync(file.FullName, ["code", .. codes.Codes], ct);
            await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{codes.Codes.Count} codes for campaign {codes.CampaignId} written to {file.FullName}"));
            return ExitCodes.Clean;
        }));
        var budget = new Command("budget", "Every campaign's budget line, checked against its entries (exit 1 on drift).") { JsonOption };
        budget.SetAction((parse, ct) => FuncLedgerCli.GuardAsync(parse, stderr, async () =>
        {
            await using var services = await CliSettings.ConnectAsync(parse, stderr, ct);
            var b = await services.GetRequiredService<IPromos>().GetBudgetAsync(ct);
            if (parse.GetValue(JsonOption))
            {
                await stdout.WriteLineAsync(JsonSerializer.Serialize(b, CliJson.Default.PromoBudget));
            }
            else
            {
                foreach (var l in b.Campaigns)
                {
                    await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"campaign {l.CampaignId}: redemptions "
                        + $"{l.Redemptions} ({l.Revoked} revoked), recorded {l.CoinsRecorded}, entries {l.CoinsGranted}"
                        + $"{(l.Drifts ? " DRIFT" : "")}"));
                }

                await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"coins granted {b.CoinsGranted}, promo entries "
                    + $"without a redemption {b.UnlinkedEntries} ({(b.Consistent ? "consistent" : "DRIFT")})"));
            }

            return b.Consistent ? ExitCodes.Clean : ExitCodes.Drift;
        }));
        return new Command("promo", "Promo campaigns, their single-use codes and budget lines.")
        {
            create, generate, stats, deactivate, budget,
        };
    }

    private static Task<int> RunAsync(ParseResult parse, TextWriter stdout, TextWriter stderr, Func<IPromos, Task<PromoCampaign>> run,
        CancellationToken ct) =>
        FuncLedgerCli.GuardAsync(parse, stderr, async () =>
        {
            await using var services = await CliSettings.ConnectAsync(parse, stderr, ct);
            var c = await run(services.GetRequiredService<IPromos>());
            await stdout.WriteLineAsync(parse.GetValue(JsonOption)
                ? JsonSerializer.Serialize(c, CliJson.Default.PromoCampaign)
                : string.Create(CultureInfo.InvariantCulture, $"campaign {c.CampaignId} {c.Name}: {c.Coins} coins, "
                    + $"{(c.Active ? "active" : "inactive")}, code {c.VanityCode ?? "-"}, codes issued {c.CodesIssued}, "
                    + $"redemptions {c.Redemptions}{(c.MaxRedemptions is { } m ? $" of {m}" : "")}, coins granted {c.CoinsGranted}"));
            return ExitCodes.Clean;
        });
}
