using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using FuncLedger.Hosting;
using FuncLedger.TestSupport;

namespace FuncLedger.Standalone.Tests;

/// <summary>
/// The files the Functions host reads when it starts (the worker's generated functions.metadata, the shipped host.json, the
/// app settings, the extensions in .azurefunctions) break none of the rules the host enforces, and a planted violation fails
/// both the check and Standalone's start: what the host would refuse is never served locally.
/// </summary>
public sealed class HostConformanceTests
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    private static string FunctionsOutput =>
        Path.Combine(TestPaths.RepositoryRoot, "src", "FuncLedger.Functions", "bin", Configuration, "net10.0");

    private static string MetadataPath => Path.Combine(FunctionsOutput, FunctionsMetadata.FileName);

    private static Dictionary<string, string?> SampleSettings() =>
        LocalSettings.Read(Path.Combine(TestPaths.RepositoryRoot, "local.settings.sample.json"));

    [Fact]
    public void The_generated_metadata_and_the_sample_settings_break_none_of_the_hosts_start_up_rules()
    {
        var functions = FunctionsMetadata.Load(MetadataPath);

        Assert.Empty(HostRules.Check(functions, SampleSettings()));
        Assert.Equal(59, functions.Count);
        // Spelled out as well, since it is the rule that bit: no route under the host's own admin or runtime APIs.
        Assert.All(functions.Select(f => f.Trigger).Where(t => t?.Type == "httpTrigger"), t =>
        {
            Assert.False(t!.Route!.StartsWith("admin", StringComparison.OrdinalIgnoreCase), t.Route);
            Assert.False(t.Route.StartsWith("runtime", StringComparison.OrdinalIgnoreCase), t.Route);
        });
    }

    [Fact]
    public void The_shipped_host_json_loads_and_gives_a_payout_award_at_least_five_minutes_to_outlast_the_database()
    {
        var host = HostJson.Load(Path.Combine(TestPaths.RepositoryRoot, "host.json"));

        Assert.True(host.QueueRetryWindow >= TimeSpan.FromMinutes(5), $"retry window {host.QueueRetryWindow}");
        Assert.Equal("api", host.RoutePrefix);
        // The function sends copies of a message (deferred or poisoned) encoded as the host decodes them.
        Assert.Equal(PayoutQueue.MessageEncoding, host.QueueMessageEncoding.ToString().ToLowerInvariant());
    }

    /// <summary>A copy of the generated metadata with one function changed or added by <paramref name="plant"/>.</summary>
    private static string PlantedMetadata(Action<JsonArray> plant)
    {
        var functions = JsonNode.Parse(File.ReadAllText(MetadataPath))!.AsArray();
        plant(functions);
        var path = Path.Combine(Path.GetTempPath(), $"functions-{Guid.NewGuid():N}.metadata");
        File.WriteAllText(path, functions.ToJsonString());
        return path;
    }

    private static JsonNode Function(JsonArray functions, string name) =>
        functions.Single(f => f!["name"]!.GetValue<string>() == name)!;

    private static JsonNode Trigger(JsonNode function) =>
        function["bindings"]!.AsArray().Single(b => b!["type"]!.GetValue<string>().EndsWith("Trigger", StringComparison.Ordinal))!;

    /// <summary>A copy of an HTTP function under another name and route (the method it calls stays a real one).</summary>
    private static void AddRoute(JsonArray functions, string name, string route)
    {
        var copy = Function(functions, "Health").DeepClone();
        copy["name"] = name;
        Trigger(copy)["route"] = route;
        functions.Add(copy);
    }

    public static TheoryData<string, string> Violations() => new()
    {
        { "admin-route", "route 'admin/x' of function Planted conflicts with the host's built-in routes" },
        { "runtime-route", "route 'Runtime/status' of function Planted conflicts with the host's built-in routes" },
        { "administration-route", "route 'administration' of function Planted conflicts with the host's built-in routes" },
        { "same-route-and-method", "route 'wallets/{ownerId}/balance' of function Planted conflicts with the route of function Balance" },
        { "function-name", "function name '9lives' is not one the host accepts" },
        { "duplicate-name", "function name 'health' is used twice" },
        { "queue-name", "queue name 'Payout_Awards' of function PayoutAwards is not a valid Azure Storage queue name" },
        { "queue-name-hyphens", "queue name 'payout--awards' of function PayoutAwards is not a valid Azure Storage queue name" },
        { "five-field-schedule", "schedule '0 3 * * *' of function NightlyReconciliation: an NCRONTAB schedule has 6 fields" },
        { "bad-schedule", "schedule '0 0 25 * * *' of function NightlyReconciliation: it does not parse as NCRONTAB" },
        { "unset-setting", "Set NoSuchSetting: the HoldExpiry trigger reads it" },
        { "unset-connection", "Set PayoutStorage: the PayoutAwards queue trigger reads it" },
    };

    private static string Plant(string violation) => PlantedMetadata(functions =>
    {
        switch (violation)
        {
            case "admin-route": AddRoute(functions, "Planted", "admin/x"); break;
            case "runtime-route": AddRoute(functions, "Planted", "Runtime/status"); break;
            case "administration-route": AddRoute(functions, "Planted", "administration"); break;
            case "same-route-and-method": AddRoute(functions, "Planted", "wallets/{ownerId}/balance"); break;
            case "function-name": AddRoute(functions, "9lives", "lives"); break;
            case "duplicate-name": AddRoute(functions, "health", "health2"); break;
            case "queue-name": Trigger(Function(functions, "PayoutAwards"))["queueName"] = "Payout_Awards"; break;
            case "queue-name-hyphens": Trigger(Function(functions, "PayoutAwards"))["queueName"] = "payout--awards"; break;
            case "five-field-schedule": Trigger(Function(functions, "NightlyReconciliation"))["schedule"] = "0 3 * * *"; break;
            case "bad-schedule": Trigger(Function(functions, "NightlyReconciliation"))["schedule"] = "0 0 25 * * *"; break;
            case "unset-setting": Trigger(Function(functions, "HoldExpiry"))["schedule"] = "%NoSuchSetting%"; break;
            case "unset-connection": Trigger(Function(functions, "PayoutAwards"))["connection"] = "PayoutStorage"; break;
            default: throw new ArgumentOutOfRangeException(nameof(violation));
        }
    });

    [Theory]
    [MemberData(nameof(Violations))]
    public void A_planted_violation_of_a_host_rule_fails_the_check(string violation, string expected)
    {
        var path = Plant(violation);
        try
        {
            var problems = HostRules.Check(FunctionsMetadata.Load(path), SampleSettings());

            Assert.Contains(problems, p => p.StartsWith(expected, StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("admin-route", "error: the Functions host would refuse this app: route 'admin/x' of function Planted conflicts")]
    [InlineData("five-field-schedule", "error: the Functions host would refuse this app: schedule '0 3 * * *' of function NightlyReconciliation")]
    [InlineData("queue-name", "error: the Functions host would refuse this app: queue name 'Payout_Awards'")]
    public async Task Standalone_refuses_to_start_on_a_planted_violation_with_one_line_and_exit_code_2(string violation, string expected)
    {
        var path = Plant(violation);
        try
        {
            var (exitCode, stderr, output) = await StandaloneStart.RunAsync(
                new Dictionary<string, string?> { ["Standalone__FunctionsMetadata"] = path });

            Assert.Equal(2, exitCode);
            Assert.StartsWith(expected, stderr, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', stderr);
            Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Standalone_serves_the_functions_of_the_file_the_host_reads()
    {
        var catalog = FunctionCatalog.From(FunctionsMetadata.Load(MetadataPath), typeof(FuncLedger.Functions.Http.WalletFunctions).Assembly);

        Assert.Equal(56, catalog.Http.Count);
        Assert.Contains(catalog.Http, f => f is { Name: "Reconcile", Route: "ops/reconcile" }
            && f.AuthLevel == Microsoft.Azure.Functions.Worker.AuthorizationLevel.Admin);
        Assert.Equal("FuncLedger.Functions.Http.AdminFunctions", catalog.Http.Single(f => f.Name == "Reconcile").Method.DeclaringType!.FullName);
    }

    /// <summary>The WebJobs extensions the worker's extension packages ask the host for (their ExtensionInformation).</summary>
    private static Dictionary<string, string> DeclaredExtensions()
    {
        var declared = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in typeof(FuncLedger.Functions.WorkerHost).Assembly.GetReferencedAssemblies()
            .Where(a => a.Name!.StartsWith("Microsoft.Azure.Functions.Worker.Extensions.", StringComparison.Ordinal)))
        {
            foreach (var attribute in Assembly.Load(name).GetCustomAttributesData()
                .Where(a => a.AttributeType.Name == "ExtensionInformationAttribute"))
            {
                declared[(string)attribute.ConstructorArguments[0].Value!] = (string)attribute.ConstructorArguments[1].Value!;
            }
        }

        return declared;
    }

    [Fact]
    public void The_extensions_in_azurefunctions_are_the_versions_the_worker_extension_packages_declare()
    {
        var declared = DeclaredExtensions();
        using var deps = JsonDocument.Parse(File.ReadAllText(Path.Combine(FunctionsOutput, ".azurefunctions", "function.deps.json")));
        var shipped = deps.RootElement.GetProperty("libraries").EnumerateObject().Select(l => l.Name.Split('/'))
            .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        // A package mirror that lacks the declared version makes NuGet take the next one and say so (NU1603); only that
        // substitution, recorded by the restore of the generated extensions project, stands in for the declared version.
        var restore = Path.Combine(TestPaths.RepositoryRoot, "src", "FuncLedger.Functions", "obj", Configuration, "net10.0", "WorkerExtensions",
            "obj", "project.assets.json");
        using var assets = JsonDocument.Parse(File.ReadAllText(restore));
        var substituted = assets.RootElement.TryGetProperty("logs", out var logs)
            ? logs.EnumerateArray().Where(l => l.GetProperty("code").GetString() == "NU1603").Select(l => l.GetProperty("message").GetString()!).ToList()
            : [];

        Assert.Contains("Microsoft.Azure.WebJobs.Extensions.Storage.Queues", declared.Keys);
        Assert.All(declared, extension =>
        {
            Assert.True(shipped.TryGetValue(extension.Key, out var version), $"{extension.Key} is not in .azurefunctions");
            Assert.True(version == extension.Value || substituted.Exists(m =>
                    m.Contains($"{extension.Key} {extension.Value} was not found. {extension.Key} {version} was resolved instead.", StringComparison.Ordinal)),
                $"{extension.Key}: the worker extension declares {extension.Value}, .azurefunctions ships {version}");
        });
        using var extensions = JsonDocument.Parse(File.ReadAllText(Path.Combine(FunctionsOutput, "extensions.json")));
        var loaded = extensions.RootElement.GetProperty("extensions").EnumerateArray()
            .Select(e => e.GetProperty("typeName").GetString()!.Split(", ")[1]).Where(a => a.StartsWith("Microsoft.Azure.WebJobs.Extensions.Storage", StringComparison.Ordinal));
        Assert.Subset(declared.Keys.ToHashSet(), loaded.ToHashSet());
    }
}
