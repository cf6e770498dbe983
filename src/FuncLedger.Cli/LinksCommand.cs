using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using FuncLedger.Core.Domain;
using FuncLedger.Core.Maintenance;
using FuncLedger.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FuncLedger.Cli;

/// <summary><c>funcledger links create --owner 42 [--ttl 24h] [--base-url URL] [--json]</c>: a signed, expiring, read-only link to
/// one owner's history page, signed with the app's <c>HistoryLinks__Secret</c> under the owner's current link epoch (read from
/// the ledger's database, from the same settings as every command); <c>funcledger links revoke --owner 42</c> ends every link of
/// that owner issued so far.</summary>
internal static class LinksCommand
{
    public const string BaseUrlDefault = "http://localhost:7071/api";

    private static readonly Option<bool> JsonOption = new("--json") { Description = "Print JSON on stdout" };

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var owner = new Option<long>("--owner") { Description = "The owner's profile id", Required = true };
        var ttl = new Option<string?>("--ttl")
        {
            Description = "How long the link works: 90s, 15m, 2h, 1d (default HistoryLinks__DefaultTtlMinutes, 24 hours)",
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
            var links = Links(configuration);
            TimeSpan lifetime;
            try
            {
                lifetime = parse.GetValue(ttl) is { } text ? HistoryLinks.ParseTtl(text) : links.DefaultTtl;
            }
            catch (FormatException e)
            {
                throw new CliException(e.Message);
            }

            await using var services = await CliSettings.ConnectAsync(parse, stderr, ct);
            var who = OwnerId.From(parse.GetValue(owner));
            var epoch = await services.GetRequiredService<IHistoryLinkEpochs>().CurrentAsync(who, ct);
            string token;
            DateTimeOffset expiresAt;
            try
            {
                (token, expiresAt) = links.Create(who.Value, epoch, lifetime);
            }
            catch (ArgumentOutOfRangeException e)
            {
                throw new CliException(e.Message.Split(" (Parameter", 2)[0]);
            }

            var api = parse.GetValue(baseUrl) ?? configuration[$"{HistoryLinkOptions.Section}:BaseUrl"] ?? BaseUrlDefault;
            var url = HistoryLinks.PageUrl(api, who.Value, token);
            await stdout.WriteLineAsync(parse.GetValue(JsonOption)
                ? JsonSerializer.Serialize(new CliLink(who.Value, url, expiresAt), CliJson.Default.CliLink)
                : url);
            if (!parse.GetValue(JsonOption))
            {
                await stderr.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"expires {expiresAt:yyyy-MM-ddTHH:mm:ssZ}"));
            }

            return ExitCodes.Clean;
        }));
        var revokedOwner = new Option<long>("--owner") { Description = "The owner whose links stop working", Required = true };
        var revoke = new Command("revoke", "End every history link of one owner issued so far (new links work again).")
        {
            revokedOwner, JsonOption,
        };
        revoke.SetAction((parse, ct) => FuncLedgerCli.GuardAsync(parse, stderr, async () =>
        {
            await using var services = await CliSettings.ConnectAsync(parse, stderr, ct);
            var actor = "cli:" + Environment.UserName;
            var who = OwnerId.From(parse.GetValue(revokedOwner));
            var epoch = await services.GetRequiredService<IHistoryLinkEpochs>()
                .RevokeAsync(who, actor[..Math.Min(actor.Length, WalletChanges.ActorLengthMax)], ct);
            await stdout.WriteLineAsync(parse.GetValue(JsonOption)
                ? JsonSerializer.Serialize(new CliRevocation(who.Value, epoch), CliJson.Default.CliRevocation)
                : string.Create(CultureInfo.InvariantCulture, $"owner {who.Value}: every earlier link revoked (epoch {epoch})"));
            return ExitCodes.Clean;
        }));
        return new Command("links", "Signed links to players' history pages.") { create, revoke };
    }

    /// <summary>The signer, after the same checks the app makes at start (a usable secret, lifetimes within 7 days).</summary>
    private static HistoryLinks Links(IConfiguration configuration)
    {
        var options = new HistoryLinkOptions();
        configuration.GetSection(HistoryLinkOptions.Section).Bind(options);
        try
        {
            options.Validate();
        }
        catch (InvalidOperationException e)
        {
            throw new CliException(e.Message);
        }

        return new HistoryLinks(options, TimeProvider.System);
    }
}

/// <summary><c>funcledger links create --json</c>.</summary>
internal sealed record CliLink(long OwnerId, string Url, DateTimeOffset ExpiresAt);

/// <summary><c>funcledger links revoke --json</c>.</summary>
internal sealed record CliRevocation(long OwnerId, int Epoch);
