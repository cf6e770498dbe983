using System.Text.Json;

namespace FuncLedger.Standalone;

/// <summary>A function's trigger as functions.metadata declares it (the fields the Functions host reads at start).</summary>
public sealed record MetadataTrigger(
    string Type, string? Route, IReadOnlyList<string>? Methods, string? AuthLevel, string? QueueName, string? Connection, string? Schedule,
    bool RunOnStartup);

/// <summary>One function of functions.metadata: its name, the method the worker calls, and its trigger.</summary>
public sealed record MetadataFunction(string Name, string EntryPoint, MetadataTrigger? Trigger);

/// <summary>
/// functions.metadata: the file the Worker SDK writes from the <c>[Function]</c> and trigger attributes at build time, and the
/// one the Functions host reads at start (it never reflects over the worker's assembly). Standalone reads the same file, so
/// the routes, methods, auth levels, queue names and schedules it serves are the host's, byte for byte.
/// </summary>
public static class FunctionsMetadata
{
    public const string FileName = "functions.metadata";

    /// <summary>The setting that points Standalone at another functions.metadata (tests plant violations in a copy).</summary>
    public const string PathSetting = "Standalone:FunctionsMetadata";

    public static IReadOnlyList<MetadataFunction> Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{path} is missing: build the function app (the Worker SDK writes it).");
        }

        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        var functions = new List<MetadataFunction>();
        foreach (var function in document.RootElement.EnumerateArray())
        {
            var trigger = function.GetProperty("bindings").EnumerateArray()
                .Where(b => Text(b, "type") is { } type && type.EndsWith("Trigger", StringComparison.OrdinalIgnoreCase))
                .Select(b => new MetadataTrigger(
                    Text(b, "type")!,
                    Text(b, "route"),
                    b.TryGetProperty("methods", out var m) && m.ValueKind == JsonValueKind.Array
                        ? [.. m.EnumerateArray().Select(x => x.GetString()!)]
                        : null,
                    Text(b, "authLevel"),
                    Text(b, "queueName"),
                    Text(b, "connection"),
                    Text(b, "schedule"),
                    b.TryGetProperty("runOnStartup", out var r) && r.ValueKind == JsonValueKind.True))
                .FirstOrDefault();
            functions.Add(new MetadataFunction(Text(function, "name") ?? "", Text(function, "entryPoint") ?? "", trigger));
        }

        return functions;
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
