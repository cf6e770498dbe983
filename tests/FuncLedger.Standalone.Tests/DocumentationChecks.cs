using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Primitives;

namespace FuncLedger.Standalone.Tests;

/// <summary>What the documentation truth tests compare, as functions of a document's text, so a planted drift can be shown
/// to be caught.</summary>
internal static partial class DocumentationChecks
{
    /// <summary>The rows of the error table in docs/api.md: code and status.</summary>
    public static IReadOnlyDictionary<string, int> ErrorTable(string apiPage)
    {
        var start = apiPage.IndexOf("## Error codes", StringComparison.Ordinal);
        var end = apiPage.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        var section = apiPage[start..(end < 0 ? apiPage.Length : end)];
        return ErrorRow().Matches(section).ToDictionary(m => m.Groups[1].Value, m => int.Parse(m.Groups[2].Value,
            System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>The names a page does not show in backticks (settings are written `Section__Key`).</summary>
    public static IReadOnlyList<string> NotNamedIn(string page, IEnumerable<string> names) =>
        [.. names.Distinct().Where(n => !page.Contains('`' + n + '`', StringComparison.Ordinal)).Order()];

    /// <summary>A setting as app settings write it.</summary>
    public static string AppSetting(string key) => key.Replace(":", "__", StringComparison.Ordinal);

    /// <summary>Every relative link or image of a Markdown file that names no file, or a heading its target lacks.</summary>
    public static IReadOnlyList<string> DeadLinks(string markdownFile)
    {
        var text = File.ReadAllText(markdownFile);
        var folder = Path.GetDirectoryName(markdownFile)!;
        var dead = new List<string>();
        foreach (var target in Link().Matches(text).Select(m => m.Groups["t"].Value))
        {
            if (target.StartsWith("http://", StringComparison.Ordinal) || target.StartsWith("https://", StringComparison.Ordinal)
                || target.StartsWith("mailto:", StringComparison.Ordinal))
            {
                continue;
            }

            var hash = target.IndexOf('#', StringComparison.Ordinal);
            var file = hash < 0 ? target : target[..hash];
            var path = file.Length == 0 ? markdownFile : Path.GetFullPath(Path.Combine(folder, file));
            if (!File.Exists(path) && !Directory.Exists(path))
            {
                dead.Add(target);
            }
            else if (hash >= 0 && (!File.Exists(path) || !Anchors(File.ReadAllText(path)).Contains(target[(hash + 1)..])))
            {
                dead.Add(target);
            }
        }

        return dead;
    }

    /// <summary>GitHub's anchors of a page's headings.</summary>
    public static IReadOnlySet<string> Anchors(string markdown) =>
        Heading().Matches(WithoutCodeBlocks(markdown))
            .Select(m => Slug().Replace(m.Groups[1].Value.Trim().ToLowerInvariant(), "").Replace(' ', '-'))
            .ToHashSet();

    /// <summary>The repository paths a page names in backticks (outside code blocks) that do not exist.</summary>
    public static IReadOnlyList<string> MissingPaths(string markdown, string repositoryRoot) =>
        [.. InlineCode().Matches(WithoutCodeBlocks(markdown)).Select(m => m.Groups[1].Value)
            .Where(p => RepositoryPath().IsMatch(p) && p.IndexOfAny(['*', '<', '{', '$']) < 0)
            .Select(p => p.TrimEnd('/'))
            .Where(p => !File.Exists(Path.Combine(repositoryRoot, p)) && !Directory.Exists(Path.Combine(repositoryRoot, p)))
            .Distinct()];

    /// <summary>What an OpenAPI operation lacks for a reader: a description, a tag, a described parameter, a body example,
    /// or an example that does not fit its schema (a required property missing, a property the schema does not name).</summary>
    public static IEnumerable<string> OperationGaps(JsonElement document)
    {
        var tags = document.GetProperty("tags").EnumerateArray().Select(t => t.GetProperty("name").GetString()).ToHashSet();
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var op in path.Value.EnumerateObject())
            {
                var name = $"{op.Name.ToUpperInvariant()} {path.Name}";
                if (!op.Value.TryGetProperty("description", out var d) || d.GetString()!.Length < 20)
                {
                    yield return $"{name}: no description";
                }

                if (!op.Value.TryGetProperty("tags", out var t) || t.GetArrayLength() == 0
                    || t.EnumerateArray().Any(x => !tags.Contains(x.GetString())))
                {
                    yield return $"{name}: no declared tag";
                }

                var parameters = op.Value.TryGetProperty("parameters", out var p) ? p.EnumerateArray() : default;
                foreach (var parameter in parameters.Where(x => !x.TryGetProperty("description", out _)))
                {
                    yield return $"{name}: parameter {parameter.GetProperty("name").GetString()} undescribed";
                }

                if (op.Value.TryGetProperty("requestBody", out var body))
                {
                    foreach (var gap in ExampleGaps(document, body.GetProperty("content").GetProperty("application/json")))
                    {
                        yield return $"{name}: {gap}";
                    }
                }
            }
        }
    }

    private static IEnumerable<string> ExampleGaps(JsonElement document, JsonElement content)
    {
        if (!content.TryGetProperty("example", out var example))
        {
            yield return "no request body example";
            yield break;
        }

        var reference = content.GetProperty("schema").GetProperty("$ref").GetString()!;
        var schema = document.GetProperty("components").GetProperty("schemas").GetProperty(reference.Split('/')[^1]);
        var properties = schema.GetProperty("properties").EnumerateObject().Select(x => x.Name).ToHashSet();
        var given = example.EnumerateObject().Select(x => x.Name).ToHashSet();
        var required = schema.TryGetProperty("required", out var r) ? r.EnumerateArray().Select(x => x.GetString()!) : [];
        foreach (var missing in required.Where(x => !given.Contains(x)))
        {
            yield return $"example lacks {missing}";
        }

        foreach (var unknown in given.Where(x => !properties.Contains(x)))
        {
            yield return $"example has {unknown}, which the schema does not name";
        }
    }

    private static string WithoutCodeBlocks(string markdown) => CodeBlock().Replace(markdown, "");

    [GeneratedRegex(@"^\| `([a-z_]+)` \| (\d{3}) \|", RegexOptions.Multiline)]
    private static partial Regex ErrorRow();

    [GeneratedRegex(@"(?:\]\((?<t>[^)\s]+)\)|<img src=""(?<t>[^""]+)"")")]
    private static partial Regex Link();

    [GeneratedRegex(@"^#{1,6} (.+)$", RegexOptions.Multiline)]
    private static partial Regex Heading();

    [GeneratedRegex(@"[^a-z0-9 _-]")]
    private static partial Regex Slug();

    [GeneratedRegex(@"`([^`\n]+)`")]
    private static partial Regex InlineCode();

    [GeneratedRegex(@"^(src|tests|infra|docs|bench|build|\.ci|\.github)/[A-Za-z0-9._/-]+$")]
    private static partial Regex RepositoryPath();

    [GeneratedRegex(@"^```.*?^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex CodeBlock();
}

/// <summary>A configuration that answers from a few values and remembers every key the code asks it for, present or not
/// (the binder asks for each property of an options class).</summary>
internal sealed class RecordingConfiguration(IReadOnlyDictionary<string, string?> values) : IConfigurationSource, IConfigurationProvider
{
    public HashSet<string> Read { get; } = new(StringComparer.OrdinalIgnoreCase);

    public IConfigurationProvider Build(IConfigurationBuilder builder) => this;

    public bool TryGet(string key, out string? value)
    {
        Read.Add(key);
        return values.TryGetValue(key, out value);
    }

    public void Set(string key, string? value) => throw new NotSupportedException();

    public IChangeToken GetReloadToken() => new CancellationChangeToken(CancellationToken.None);

    public void Load()
    {
    }

    public IEnumerable<string> GetChildKeys(IEnumerable<string> earlierKeys, string? parentPath) =>
        values.Keys.Where(k => parentPath is null || k.StartsWith(parentPath + ":", StringComparison.OrdinalIgnoreCase))
            .Select(k => (parentPath is null ? k : k[(parentPath.Length + 1)..]).Split(':')[0])
            .Concat(earlierKeys);
}
