using System.CommandLine;
using FuncLedger.Core.Domain;

namespace FuncLedger.Cli;

/// <summary>
/// <c>funcledger</c>: the operator's tool. <c>reconcile [--dry-run] [--json]</c>, <c>migrate</c>, <c>status</c>, <c>wallets</c>,
/// <c>payouts</c>, <c>runs</c>; settings
/// as <see cref="CliSettings"/> resolves them. Output names wallet IDs only, never owner data.
/// </summary>
public static class FuncLedgerCli
{
    public const string ProviderVariable = CliSettings.ProviderVariable;
    public const string ConnectionVariable = CliSettings.ConnectionVariable;

    public static async Task<int> RunAsync(
        string[] args, TextWriter stdout, TextWriter stderr, bool interactive, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        var root = Create(stdout, stderr, interactive);
        var result = root.Parse(args);
        if (result.Errors.Count > 0)
        {
            foreach (var error in result.Errors)
            {
                await stderr.WriteLineAsync("error: " + error.Message);
            }

            await stderr.WriteLineAsync("Run 'funcledger --help' for usage.");
            return ExitCodes.Error;
        }

        var invocation = new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false };
        return await result.InvokeAsync(invocation, cancellationToken);
    }

    /// <summary>Every command and option of the tool (docs/cli.md names each; a test walks this tree).</summary>
    internal static RootCommand Create(TextWriter stdout, TextWriter stderr, bool interactive)
    {
        var root = new RootCommand("funcledger: FuncLedger's operator tool.")
        {
            ReconcileCommand.Create(stdout, stderr, interactive),
            MigrateCommand.Create(stdout, stderr),
            StatusCommand.Create(stdout, stderr),
            WalletsCommand.Create(stdout, stderr),
            ShopCommand.Create(stdout, stderr),
            PromoCommand.Create(stdout, stderr),
            PayoutsCommand.Create(stdout, stderr),
            RunsCommand.Create(stdout, stderr),
            LinksCommand.Create(stdout, stderr),
        };
        root.Options.Add(CliSettings.ProviderOption);
        root.Options.Add(CliSettings.ConnectionOption);
        root.Options.Add(CliSettings.SettingsOption);
        root.Options.Add(CliSettings.VerboseOption);

        return root;
    }

    /// <summary>Every failure is one line on stderr and exit code 2; the stack trace only with --verbose.</summary>
    internal static async Task<int> GuardAsync(ParseResult parse, TextWriter stderr, Func<Task<int>> command)
    {
        try
        {
            return await command();
        }
        catch (CliException e)
        {
            await stderr.WriteLineAsync("error: " + e.Message);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await stderr.WriteLineAsync("error: " + Describe(e));
            if (parse.GetValue(CliSettings.VerboseOption))
            {
                await stderr.WriteLineAsync(e.ToString());
            }
        }

        return ExitCodes.Error;
    }

    /// <summary>The core raises <see cref="LedgerUnavailableException"/> for an unreachable or busy database; its inner
    /// exception names the provider's error.</summary>
    private static string Describe(Exception e) => e switch
    {
        LedgerUnavailableException { InnerException: InvalidOperationException { InnerException: { } cause } } =>
            "cannot reach the database (" + cause.GetType().Name + "); check --provider and --connection",
        LedgerUnavailableException { InnerException: { } cause } =>
            "cannot reach the database (" + cause.GetType().Name + "); check --provider and --connection",
        _ => e.Message.Split('\n')[0],
    };
}
