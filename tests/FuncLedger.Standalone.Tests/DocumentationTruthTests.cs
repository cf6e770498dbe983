using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using FuncLedger.Functions;
using FuncLedger.Functions.Http;
using FuncLedger.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FuncLedger.Standalone.Tests;

/// <summary>The documents kept true by the code: the error table, every setting, every route, the OpenAPI document's
/// descriptions and examples, links and named paths, the SQL Server lane's list, the versions. Each check also shows it
/// catches a planted drift.</summary>
public sealed class DocumentationTruthTests
{
    private static string Root => StandaloneFixture.RepositoryRoot;

    private static string Read(params string[] path) => File.ReadAllText(Path.Combine([Root, .. path]));

    [Fact]
    public void The_error_table_of_docs_api_md_is_every_code_the_app_can_answer_with_its_status()
    {
        Assert.Equal(ProblemCodes.Status.OrderBy(c => c.Key), DocumentationChecks.ErrorTable(Read("docs", "api.md")).OrderBy(c => c.Key));
    }

    [Fact]
    public void An_error_code_missing_from_the_table_or_with_another_status_is_caught()
    {
        var page = Read("docs", "api.md");
        var planted = page.Replace("| `wallet_frozen` | 409 |", "| `wallet_frozen` | 403 |", StringComparison.Ordinal)
            .Replace("| `hold_expired` | 409 | the hold is past its expiry |\n", "", StringComparison.Ordinal);

        Assert.NotEqual(page, planted);
        var table = DocumentationChecks.ErrorTable(planted);
        Assert.Equal(403, table["wallet_frozen"]);
        Assert.False(table.ContainsKey("hold_expired"));
    }

    /// <summary>Every key the composition of the function app reads, the timer schedules and queue connections the triggers
    /// name, and the named settings constants. The binder skips a section with no values, so every section read is given a
    /// child nobody declares: then the binder asks for each property of the options bound to it.</summary>
    private static IReadOnlyList<string> AppSettings(Action<IConfiguration>? plant = null)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["HistoryLinks:Secret"] = "documentation-test-history-link-secret-0123456789",
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
        };
        foreach (var key in Compose(values, plant).Where(k => !values.ContainsKey(k)).ToList())
        {
            // A property of a primitive type refuses children (the binder throws): only sections keep their probe.
            values[key + ":Probe_"] = "1";
            try
            {
                Compose(values, plant);
            }
            catch (InvalidOperationException)
            {
                values.Remove(key + ":Probe_");
            }
        }

        var read = Compose(values, plant).Where(k => !k.EndsWith(":Probe_", StringComparison.Ordinal)).ToList();
        var catalog = FunctionCatalog.From(FunctionsMetadata.Load(ContractTests.MetadataPath), typeof(FunctionsComposition).Assembly);
        var triggers = catalog.Timers.Select(t => t.Schedule.Trim('%')).Concat(catalog.Queues.Select(q => q.Connection));
        return [.. read.Where(k => !read.Any(other => other.StartsWith(k + ":", StringComparison.OrdinalIgnoreCase)))
            .Concat(triggers).Concat(Constants(typeof(FunctionsComposition).Assembly, "Setting"))
            .Select(DocumentationChecks.AppSetting).Distinct().Order()];
    }

    private static HashSet<string> Compose(Dictionary<string, string?> values, Action<IConfiguration>? plant)
    {
        var recording = new RecordingConfiguration(values);
        var configuration = new ConfigurationBuilder().Add(recording).Build();
        var services = new ServiceCollection().AddFuncLedgerFunctions(configuration);
        services.AddFuncLedgerTelemetry(configuration, worker: false);
        plant?.Invoke(configuration);
        using (var provider = services.BuildServiceProvider())
        {
            provider.GetRequiredService<PayoutQueues>();
        }

        return recording.Read;
    }

    private static IEnumerable<string> Constants(Assembly assembly, string suffix) =>
        assembly.GetTypes().SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static))
            .Where(f => f.IsLiteral && f.FieldType == typeof(string) && f.Name.EndsWith(suffix, StringComparison.Ordinal))
            .Select(f => (string)f.GetRawConstantValue()!);

    private static IReadOnlySet<string> SampleSettings() =>
        JsonDocument.Parse(Read("local.settings.sample.json")).RootElement.GetProperty("Values").EnumerateObject()
            .Select(v => v.Name).ToHashSet();

    [Fact]
    public void Every_setting_the_app_reads_is_in_docs_configuration_md_and_in_local_settings_sample_json()
    {
        var settings = AppSettings();

        Assert.Contains("Ledger__Retry__ResumeRetryDeadlineMs", settings);
        Assert.Contains("HoldExpirySchedule", settings);
        Assert.Contains("APPLICATIONINSIGHTS_AUTHENTICATION_STRING", settings);
        Assert.Empty(DocumentationChecks.NotNamedIn(Read("docs", "configuration.md"), settings));
        var sample = SampleSettings();
        Assert.Equal([], settings.Where(s => !sample.Contains(s)).ToList());
    }

    [Fact]
    public void Every_setting_of_standalone_and_every_variable_of_the_cli_and_the_tests_is_in_docs_configuration_md()
    {
        // The variables the code reads (C# in src/ and tests/); the scripts' own variables are theirs.
        var variables = new[] { "src", "tests" }
            .SelectMany(d => Directory.EnumerateFiles(Path.Combine(Root, d), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal))
            .SelectMany(f => Regex.Matches(File.ReadAllText(f), "\\bFUNCLEDGER_[A-Z_]+[A-Z]\\b").Select(m => m.Value));
        var names = Constants(typeof(StandaloneHost).Assembly, "Setting").Select(DocumentationChecks.AppSetting).Concat(variables).ToList();

        Assert.Contains("Standalone__MasterKey", names);
        Assert.Contains("FUNCLEDGER_STORAGE", names);
        Assert.Empty(DocumentationChecks.NotNamedIn(Read("docs", "configuration.md"), names));
    }

    private sealed class PlantedOptions
    {
        public int RefundWindowDays { get; set; }
    }

    [Fact]
    public void A_setting_the_app_starts_reading_without_a_document_is_caught()
    {
        var settings = AppSettings(c => c.GetSection("Shop").Bind(new PlantedOptions()));

        Assert.Equal(["Shop__RefundWindowDays"], DocumentationChecks.NotNamedIn(Read("docs", "configuration.md"), settings));
        Assert.DoesNotContain("Shop__RefundWindowDays", SampleSettings());
    }

    [Fact]
    public void Every_route_of_functions_metadata_is_in_docs_api_md()
    {
        var catalog = FunctionCatalog.From(FunctionsMetadata.Load(ContractTests.MetadataPath), typeof(FunctionsComposition).Assembly);
        var routes = catalog.Http.SelectMany(f => f.Methods.Select(m => $"{m.ToUpperInvariant()} {f.Route}")).ToList();

        Assert.Equal(56, catalog.Http.Count);
        Assert.Empty(DocumentationChecks.NotNamedIn(Read("docs", "api.md"), routes));
        Assert.Equal(["POST shop/checkout"], DocumentationChecks.NotNamedIn(Read("docs", "api.md"), routes.Append("POST shop/checkout")));
    }

    [Fact]
    public void Every_operation_of_the_openapi_document_has_a_description_a_tag_described_parameters_and_a_fitting_example()
    {
        var document = JsonDocument.Parse(Read("docs", "openapi.json")).RootElement;

        Assert.Empty(DocumentationChecks.OperationGaps(document));
    }

    [Fact]
    public void An_operation_without_a_tag_or_with_an_example_that_does_not_fit_is_caught()
    {
        var text = Read("docs", "openapi.json")
            .Replace("\"tags\": [\n          \"Holds\"\n        ],", "", StringComparison.Ordinal)
            .Replace("\"fromOwnerId\": 42,", "\"from\": 42,", StringComparison.Ordinal);

        var gaps = DocumentationChecks.OperationGaps(JsonDocument.Parse(text).RootElement).ToList();

        Assert.Contains("POST /holds/{holdId}/capture: no declared tag", gaps);
        Assert.Contains("POST /transfers: example lacks fromOwnerId", gaps);
        Assert.Contains("POST /transfers: example has from, which the schema does not name", gaps);
    }

    private static IEnumerable<string> Documents() =>
        new[] { "README.md", "CONTRIBUTING.md", "CHANGELOG.md", Path.Combine("infra", "README.md") }
            .Select(f => Path.Combine(Root, f))
            .Concat(Directory.EnumerateFiles(Path.Combine(Root, "docs"), "*.md"))
            .Concat(Directory.EnumerateDirectories(Path.Combine(Root, "src")).Select(d => Path.Combine(d, "README.md")).Where(File.Exists));

    [Fact]
    public void Every_link_between_documents_resolves_and_every_path_a_document_names_exists()
    {
        var documents = Documents().ToList();

        Assert.True(documents.Count >= 18, string.Join(", ", documents));
        Assert.Empty(documents.SelectMany(d => DocumentationChecks.DeadLinks(d).Select(l => $"{Path.GetRelativePath(Root, d)}: {l}")));
        Assert.Empty(documents.SelectMany(d => DocumentationChecks.MissingPaths(File.ReadAllText(d), Root)
            .Select(p => $"{Path.GetRelativePath(Root, d)}: {p}")));
    }

    [Fact]
    public void A_dead_link_a_missing_heading_or_a_missing_path_is_caught()
    {
        var folder = Directory.CreateTempSubdirectory("funcledger-docs-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "other.md"), "# Other\n\n## A failover\n");
            File.WriteAllText(Path.Combine(folder, "page.md"),
                "See [other](other.md#a-failover), [gone](gone.md), [no heading](other.md#a-restore) and `src/FuncLedger.Shop/`.\n");

            Assert.Equal(["gone.md", "other.md#a-restore"], DocumentationChecks.DeadLinks(Path.Combine(folder, "page.md")));
            Assert.Equal(["src/FuncLedger.Shop"], DocumentationChecks.MissingPaths(File.ReadAllText(Path.Combine(folder, "page.md")), Root));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void The_readme_is_at_most_150_lines_and_maps_every_document()
    {
        var readme = Read("README.md");

        Assert.True(readme.Split('\n').Length <= 151, $"README.md has {readme.Split('\n').Length} lines");
        var unmapped = Directory.EnumerateFiles(Path.Combine(Root, "docs"), "*.md").Select(f => "docs/" + Path.GetFileName(f))
            .Append("CHANGELOG.md").Append("CONTRIBUTING.md").Where(d => !readme.Contains($"]({d})", StringComparison.Ordinal));
        Assert.Equal([], unmapped.ToList());
    }

    [Fact]
    public void The_sql_server_lane_s_list_in_docs_testing_md_is_every_lane_class()
    {
        var lane = Directory.EnumerateFiles(Path.Combine(Root, "tests"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal))
            .SelectMany(f => Regex.Matches(File.ReadAllText(f), @"\[SqlServerLane[^\]]*\]\s*(?:\[[^\]]*\]\s*)*public[a-z ]+class (\w+)"))
            .Select(m => m.Groups[1].Value).Order().ToList();
        var page = Read("docs", "testing.md");
        var start = page.IndexOf("<!-- sqlserver-lane -->", StringComparison.Ordinal);
        var listed = Regex.Matches(page[start..page.IndexOf("<!-- /sqlserver-lane -->", StringComparison.Ordinal)], "`(\\w+)`")
            .Select(m => m.Groups[1].Value).Order().ToList();

        Assert.True(lane.Count >= 20, string.Join(", ", lane));
        Assert.Equal(lane, listed);
    }

    [Fact]
    public void The_changelog_s_newest_release_names_the_versions_the_packages_and_the_openapi_document_carry()
    {
        static string Version(string project) =>
            XDocument.Load(Path.Combine(Root, "src", project, project + ".csproj")).Descendants("Version").Single().Value;
        var api = JsonDocument.Parse(Read("docs", "openapi.json")).RootElement.GetProperty("info").GetProperty("version").GetString();
        var release = Regex.Match(Read("CHANGELOG.md"), @"^## \d{4}-\d{2}-\d{2}: (.+)$", RegexOptions.Multiline).Groups[1].Value;

        Assert.Equal($"HTTP API {api}, Client {Version("FuncLedger.Client")}, CLI {Version("FuncLedger.Cli")}", release);
    }
}
