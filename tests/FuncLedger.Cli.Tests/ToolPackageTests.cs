using System.IO.Compression;
using System.Text.Json;
using System.Xml.Linq;
using FuncLedger.TestSupport;

namespace FuncLedger.Cli.Tests;

/// <summary>
/// <c>funcledger</c> as operators get it: packed as a dotnet tool, installed into a scratch tool path from that package
/// alone, and run from there.
/// </summary>
public sealed class ToolPackageTests : IDisposable
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    private readonly string _scratch = Path.Combine(Path.GetTempPath(), "funcledger-tool-" + Guid.NewGuid().ToString("N")[..12]);

    public ToolPackageTests() => Directory.CreateDirectory(_scratch);

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    private static Task<CliRun> RunAsync(string file, string workingDirectory, params string[] args) =>
        CliProcess.RunAsync(file, workingDirectory, args);

    [Fact]
    public async Task The_tool_packs_with_its_metadata_installs_into_a_tool_path_and_runs_version_migrate_and_status()
    {
        var packages = Path.Combine(_scratch, "packages");
        var project = Path.Combine(TestPaths.RepositoryRoot, "src", "FuncLedger.Cli", "FuncLedger.Cli.csproj");
        var pack = await RunAsync("dotnet", _scratch, "pack", project, "-c", Configuration, "--no-build", "-o", packages, "-nologo");
        Assert.True(pack.ExitCode == 0, pack.Stdout + pack.Stderr);
        var package = Assert.Single(Directory.GetFiles(packages, "FuncLedger.Cli.*.nupkg"));

        using (var zip = ZipFile.OpenRead(package))
        {
            Assert.NotNull(zip.GetEntry("README.md"));
            Assert.NotNull(zip.GetEntry("PACKAGE-LICENSE.txt"));
            using var nuspecStream = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
            var metadata = XDocument.Load(nuspecStream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
            string Meta(string name) => metadata.Elements().Single(e => e.Name.LocalName == name).Value;
            Assert.Equal("FuncLedger.Cli", Meta("id"));
            Assert.Equal("1.1.0", Meta("version"));
            Assert.Contains("DeltaCrown", Meta("authors"), StringComparison.Ordinal);
            Assert.Equal("PACKAGE-LICENSE.txt", Meta("license"));
            Assert.Equal("README.md", Meta("readme"));
            Assert.Contains(metadata.Elements().Single(e => e.Name.LocalName == "packageTypes").Elements(),
                t => t.Attribute("name")?.Value == "DotnetTool");
            using var runtimeConfig = zip.Entries.Single(e => e.FullName.EndsWith("funcledger.runtimeconfig.json", StringComparison.Ordinal)).Open();
            Assert.Equal("Major", JsonDocument.Parse(runtimeConfig).RootElement.GetProperty("runtimeOptions").GetProperty("rollForward").GetString());
        }

        var tools = Path.Combine(_scratch, "tools");
        var install = await RunAsync("dotnet", _scratch, "tool", "install", "FuncLedger.Cli", "--tool-path", tools, "--add-source", packages,
            "--version", "1.1.0");
        Assert.True(install.ExitCode == 0, install.Stdout + install.Stderr);
        var funcledger = Path.Combine(tools, "funcledger");

        var version = await RunAsync(funcledger, _scratch, "--version");
        Assert.Equal(0, version.ExitCode);
        Assert.StartsWith("1.1.0", version.Stdout.Trim(), StringComparison.Ordinal);

        var database = $"Data Source={Path.Combine(_scratch, "ledger.db")}";
        var before = await RunAsync(funcledger, _scratch, "status", "--json", "--provider", "sqlite", "--connection", database);
        Assert.Equal(0, before.ExitCode);
        var pending = JsonDocument.Parse(before.Stdout).RootElement;
        Assert.Equal("sqlite", pending.GetProperty("provider").GetString());
        Assert.NotEqual(0, pending.GetProperty("pendingMigrations").GetArrayLength());
        Assert.Equal(0, (await RunAsync(funcledger, _scratch, "migrate", "--json", "--provider", "sqlite", "--connection", database)).ExitCode);
        var after = await RunAsync(funcledger, _scratch, "status", "--json", "--provider", "sqlite", "--connection", database);
        Assert.Equal(0, after.ExitCode);
        var status = JsonDocument.Parse(after.Stdout).RootElement;
        Assert.Equal(0, status.GetProperty("pendingMigrations").GetArrayLength());
        Assert.Equal(0, status.GetProperty("wallets").GetInt64());
    }
}
