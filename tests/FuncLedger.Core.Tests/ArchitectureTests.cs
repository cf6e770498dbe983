using System.Text.RegularExpressions;
using FuncLedger.TestSupport;

namespace FuncLedger.Core.Tests;

/// <summary>
/// The house's arrows, checked on every run: the core's namespaces depend on each other in one direction only (no cycle), the
/// write services name no provider, the projects reference each other exactly as <c>docs/architecture.md</c> draws them,
/// no project compiles another's files, and PL/pgSQL lives in <c>.sql</c> files, held to the same size rules as the code.
/// </summary>
public sealed partial class ArchitectureTests
{
    /// <summary>What each namespace of the core may use (Domain at the bottom, the services on top, the root wires them).</summary>
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["Domain"] = [],
        ["Diagnostics"] = ["Domain"],
        ["Persistence"] = ["Domain", "Diagnostics"],
        ["Operations"] = ["Domain", "Diagnostics", "Persistence"],
        ["Payouts"] = ["Domain", "Diagnostics", "Persistence", "Operations"],
        ["Reconciliation"] = ["Domain", "Diagnostics", "Persistence"],
        ["Maintenance"] = ["Domain", "Diagnostics", "Persistence"],
        ["Commerce"] = ["Domain", "Diagnostics", "Persistence", "Operations"],
    };

    private static string Src(params string[] parts) => Path.Combine([TestPaths.RepositoryRoot, "src", .. parts]);

    private static IEnumerable<string> CodeFiles(string root) =>
        Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    /// <summary>The code of a file without its comments (doc comments included).</summary>
    private static string Code(string file) => Comment().Replace(File.ReadAllText(file), "");

    /// <summary>The core's namespace dependencies: for each namespace, the others its files name (by using directive or a
    /// qualified name).</summary>
    internal static Dictionary<string, HashSet<string>> CoreNamespaceGraph()
    {
        var graph = new Dictionary<string, HashSet<string>>();
        foreach (var file in CodeFiles(Src("FuncLedger.Core")))
        {
            var code = Code(file);
            var own = CoreNamespace().Match(code) is { Success: true } m ? m.Groups[1].Value : "";
            var used = CoreReference().Matches(code).Select(r => r.Groups[1].Value)
                .Concat(ShortReference().Matches(code).Select(r => r.Groups[1].Value))
                .Where(n => n != own && Allowed.ContainsKey(n));
            if (!graph.TryGetValue(own, out var edges))
            {
                graph[own] = edges = [];
            }

            edges.UnionWith(used);
        }

        return graph;
    }

    [Fact]
    public void The_core_s_namespaces_depend_on_each_other_one_way_only()
    {
        var graph = CoreNamespaceGraph();

        var wrong = graph.Where(n => n.Key.Length > 0).SelectMany(n => n.Value.Except(Allowed[n.Key]).Select(t => $"{n.Key} -> {t}")).ToList();

        Assert.True(wrong.Count == 0, "arrows the layering does not allow: " + string.Join(", ", wrong));
        Assert.Equal(Allowed.Keys.Order(), graph.Keys.Where(k => k.Length > 0).Order());
    }

    [Fact]
    public void The_write_services_name_no_provider_and_the_ledger_is_no_partial_class()
    {
        var named = CodeFiles(Src("FuncLedger.Core", "Operations"))
            .Where(f => ProviderName().IsMatch(Code(f)))
            .Select(f => Path.GetFileName(f)).ToList();

        Assert.True(named.Count == 0, "Operations names a provider in " + string.Join(", ", named));
        Assert.DoesNotContain(CodeFiles(Src()), f => Code(f).Contains("partial class Ledger ", StringComparison.Ordinal)
            || Code(f).Contains("partial class Ledger(", StringComparison.Ordinal));
    }

    [Fact]
    public void The_projects_reference_each_other_exactly_as_the_architecture_map_draws_them()
    {
        var drawn = MapArrow().Matches(File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "docs", "architecture.md")))
            .SelectMany(m => m.Groups[2].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(to => $"{m.Groups[1].Value} -> {to.Trim('`')}"))
            .Order().ToList();
        var actual = Directory.EnumerateFiles(Src(), "*.csproj", SearchOption.AllDirectories)
            .SelectMany(p => ProjectReference().Matches(File.ReadAllText(p))
                .Select(r => $"{Path.GetFileNameWithoutExtension(p)} -> {Path.GetFileNameWithoutExtension(r.Groups[1].Value.Replace('\\', '/'))}"))
            .Order().ToList();

        Assert.NotEmpty(drawn);
        Assert.Equal(actual, drawn);
    }

    [Fact]
    public void No_project_compiles_another_project_s_files()
    {
        var linked = Directory.EnumerateFiles(Path.Combine(TestPaths.RepositoryRoot), "*.csproj", SearchOption.AllDirectories)
            .Where(p => File.ReadAllText(p).Contains("<Compile Include=\"..", StringComparison.Ordinal))
            .Select(Path.GetFileName).ToList();

        Assert.True(linked.Count == 0, "source links in " + string.Join(", ", linked));
    }

    [Fact]
    public void PL_pgSQL_lives_in_sql_files_held_to_the_house_rules_and_hand_written_migrations_too()
    {
        Assert.DoesNotContain(CodeFiles(Src()), f => File.ReadAllText(f).Contains("LANGUAGE plpgsql", StringComparison.OrdinalIgnoreCase));
        var sql = Directory.EnumerateFiles(Src(), "*.sql", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith("funcledger-sqlserver.sql", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(sql);
        var handWritten = sql.Concat(CodeFiles(Src()).Where(f => f.Contains($"{Path.DirectorySeparatorChar}Migrations{Path.DirectorySeparatorChar}",
                StringComparison.Ordinal) && !f.EndsWith(".Designer.cs", StringComparison.Ordinal)
            && !f.EndsWith("ModelSnapshot.cs", StringComparison.Ordinal)));

        var over = handWritten.Select(f => (File: Path.GetFileName(f), Lines: File.ReadAllLines(f))).Where(f => f.Lines.Length > 300)
            .Select(f => $"{f.File} has {f.Lines.Length} lines").ToList();
        var wide = sql.SelectMany(f => File.ReadAllLines(f).Select((l, i) => (File: Path.GetFileName(f), Number: i + 1, l.Length)))
            .Where(l => l.Length > 140).Select(l => $"{l.File}:{l.Number}").ToList();

        Assert.True(over.Count == 0, string.Join(", ", over));
        Assert.True(wide.Count == 0, "lines over 140 characters: " + string.Join(", ", wide));
    }

    [GeneratedRegex(@"//.*")]
    private static partial Regex Comment();

    [GeneratedRegex(@"^namespace FuncLedger\.Core(?:\.(\w+))?", RegexOptions.Multiline)]
    private static partial Regex CoreNamespace();

    [GeneratedRegex(@"FuncLedger\.Core\.(\w+)")]
    private static partial Regex CoreReference();

    [GeneratedRegex(@"(?<![\w.])(Operations|Persistence|Domain|Payouts|Reconciliation|Maintenance|Diagnostics|Commerce)\.[A-Z]")]
    private static partial Regex ShortReference();

    [GeneratedRegex(@"\b(Postgres\w*|SqlServer\w*|Sqlite\w*|Npgsql\w*)\b")]
    private static partial Regex ProviderName();

    [GeneratedRegex(@"^- `(FuncLedger\.[\w.]+)` → (.+)$", RegexOptions.Multiline)]
    private static partial Regex MapArrow();

    [GeneratedRegex("<ProjectReference Include=\"([^\"]+)\"")]
    private static partial Regex ProjectReference();
}
