using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using FuncLedger.Hosting;
using Microsoft.Extensions.Configuration;

namespace FuncLedger.Cli;

/// <summary><c>funcledger links create --owner 42 --ttl 15m [--base-url URL] [--json]</c>: a signed, expiring, read-only
/// link to one owner's history page, signed with the app's <c>HistoryLinks__Secret</c> (from the same settings as every
/// command).</summary>
internal static class LinksCommand
{
    public const string BaseUrlDefault = "http://localhost:7071/api";

    private static readonly Option<bool> JsonOption = new("--json") { Description = "Print JSON on stdout" };

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var owner = new Option<long>("--owner") { Description = "The owner's profile id", Required = true };
        var ttl = new Option<string>("--ttl")
        {
            Description = "How long the link works: 90s, 15m, 2h, 1d", DefaultValueFactory = _ => "15m",
        };
        var baseUrl = new Option<string?>("--base-url")
        {
            Description = $"The app's API address (default: HistoryLinks__BaseUrl, then {BaseUrlDefault})",
        };
        var create = new Command("create", "Issue a signed, expiring, read-only link to one owner's history page.")
        {
            owner, ttl, baseUrl, JsonOption,
        };
        create.SetAction((parse, ct) => FuncLedgerCli.GuardAsync(parse, stderr, async () =>
        {
            var configuration = CliSettings.Configuration(parse);
            var options = new HistoryLinkOptions();
            configuration.GetSection(HistoryLinkOptions.Section).Bind(options);
            string token;
            DateTimeOffset expiresAt;
            try
            {
                var lifetime = HistoryLinks.ParseTtl(parse.GetValue(ttl)!);
                (token, expiresAt) = new HistoryLinks(options, TimeProvider.System).Create(parse.GetValue(owner), lifetime);
            }
            catch (Exception e) when (e is FormatException or ArgumentOutOfRangeException or InvalidOperationException)
            {
                throw new CliException(e.Message.Split(" (Parameter", 2)[0]);
            }

            var api = (parse.GetValue(baseUrl) ?? configuration[$"{HistoryLinkOptions.Section}:BaseUrl"] ?? BaseUrlDefault);
            var url = HistoryLinks.PageUrl(api, parse.GetValue(owner), token);
            await stdout.WriteLineAsync(parse.GetValue(JsonOption)
                ? JsonSerializer.Serialize(new CliLink(parse.GetValue(owner), url, expiresAt), CliJson.Default.CliLink)
                : url);
            if (!parse.GetValue(JsonOption))
            {
                await stderr.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"expires {expiresAt:yyyy-MM-ddTHH:mm:ssZ}"));
            }

            return ExitCodes.Clean;
        }));
        return new Command("links", "Signed links to players' history pages.") { create };
    }
}

/// <summary><c>funcledger links create --json</c>.</summary>
internal sealed record CliLink(long OwnerId, string Url, DateTimeOffset ExpiresAt);
