using System.CommandLine;
using System.CommandLine.Help;
using FuncLedger.TestSupport;

namespace FuncLedger.Cli.Tests;

/// <summary>docs/cli.md names every command and every option the tool has, walked from the tool's own command tree.</summary>
public sealed class CliDocumentationTests
{
    private static readonly string Page = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "docs", "cli.md"));

    /// <summary>Each command's path ("payouts poison requeue") and each option's name, as the tool parses them.</summary>
    internal static IEnumerable<string> Names(Command command, string path = "")
    {
        foreach (var option in command.Options.Where(o => o is not HelpOption and not VersionOption))
        {
            yield return option.Name;
        }

        foreach (var sub in command.Subcommands)
        {
            var subPath = (path + " " + sub.Name).Trim();
            yield return "`" + subPath;
            foreach (var name in Names(sub, subPath))
            {
                yield return name;
            }
        }
    }

    internal static IReadOnlyList<string> Undocumented(string page, Command root) =>
        [.. Names(root).Distinct().Where(name => !page.Contains(name, StringComparison.Ordinal))];

    [Fact]
    public void Every_command_and_option_of_the_tool_is_in_docs_cli_md()
    {
        var root = FuncLedgerCli.Create(TextWriter.Null, TextWriter.Null, interactive: false);

        Assert.Contains("`payouts poison requeue", Names(root));
        Assert.Contains("--chunk-size", Names(root));
        Assert.Empty(Undocumented(Page, root));
    }

    [Fact]
    public void A_command_or_option_the_page_does_not_name_is_reported()
    {
        var root = FuncLedgerCli.Create(TextWriter.Null, TextWriter.Null, interactive: false);
        var planted = new Command("export", "a command nobody documented") { new Option<bool>("--everything") };
        root.Subcommands.Add(planted);

        Assert.Equal(["`export", "--everything"], Undocumented(Page, root));
    }
}
