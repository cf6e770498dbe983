using FuncLedger.TestSupport;

namespace FuncLedger.Core.Tests;

/// <summary>The renovation's house rules for hand-written code in src/, checked on every run so a room cannot overfill
/// again unnoticed: at most 300 lines a file and 140 characters a line (generated migrations aside, as .editorconfig's
/// max_line_length says), and the core's persistence types stay out of the function app.</summary>
public sealed class SourceRulesTests
{
    private const int FileLinesMax = 300;
    private const int LineLengthMax = 140;

    private static IEnumerable<string> SourceFiles(string folder) =>
        Directory.EnumerateFiles(Path.Combine(TestPaths.RepositoryRoot, "src", folder), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}Migrations{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    [Fact]
    public void Every_hand_written_source_file_has_at_most_300_lines()
    {
        var over = Directory.EnumerateDirectories(Path.Combine(TestPaths.RepositoryRoot, "src"))
            .SelectMany(d => SourceFiles(Path.GetFileName(d)))
            .Select(f => (File: Path.GetRelativePath(TestPaths.RepositoryRoot, f), Lines: File.ReadAllLines(f).Length))
            .Where(f => f.Lines > FileLinesMax)
            .ToList();

        Assert.True(over.Count == 0, string.Join(", ", over.Select(f => $"{f.File} has {f.Lines} lines")));
    }

    [Fact]
    public void Every_line_of_hand_written_source_has_at_most_140_characters()
    {
        var over = Directory.EnumerateDirectories(Path.Combine(TestPaths.RepositoryRoot, "src"))
            .SelectMany(d => SourceFiles(Path.GetFileName(d)))
            .SelectMany(f => File.ReadAllLines(f).Select((line, i) => (File: f, Number: i + 1, line.Length)))
            .Where(l => l.Length > LineLengthMax)
            .Select(l => $"{Path.GetRelativePath(TestPaths.RepositoryRoot, l.File)}:{l.Number} ({l.Length})")
            .ToList();

        Assert.True(over.Count == 0, string.Join(", ", over));
    }

    [Fact]
    public void The_function_app_uses_no_persistence_type_of_the_core()
    {
        var uses = SourceFiles("FuncLedger.Functions")
            .Where(f => File.ReadAllText(f).Contains("FuncLedger.Core.Persistence", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(TestPaths.RepositoryRoot, f))
            .ToList();

        Assert.True(uses.Count == 0, "uses FuncLedger.Core.Persistence: " + string.Join(", ", uses));
    }

    [Fact]
    public void Every_file_s_usings_come_in_order_System_first_then_alphabetically_static_and_aliases_last()
    {
        var unordered = Directory.EnumerateDirectories(Path.Combine(TestPaths.RepositoryRoot, "src"))
            .SelectMany(d => SourceFiles(Path.GetFileName(d)))
            .Where(f =>
            {
                var usings = File.ReadLines(f).SkipWhile(string.IsNullOrWhiteSpace)
                    .TakeWhile(l => l.StartsWith("using ", StringComparison.Ordinal) && l.EndsWith(';') && !l.Contains('(')).ToList();
                return !usings.SequenceEqual(usings.OrderBy(UsingOrder));
            })
            .Select(f => Path.GetRelativePath(TestPaths.RepositoryRoot, f)).ToList();

        Assert.True(unordered.Count == 0, "usings out of order in " + string.Join(", ", unordered));
    }

    /// <summary>Plain usings before static ones before aliases; System and System.* first; then by name, ignoring case.</summary>
    private static (bool, bool, int, string, string) UsingOrder(string line)
    {
        var name = line["using ".Length..^1];
        var plain = name.Replace("static ", "", StringComparison.Ordinal);
        return (name.StartsWith("static ", StringComparison.Ordinal), name.Contains('=', StringComparison.Ordinal),
            plain == "System" || plain.StartsWith("System.", StringComparison.Ordinal) ? 0 : 1,
            plain.ToLowerInvariant(), plain);
    }
}
