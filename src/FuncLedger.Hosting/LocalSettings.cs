using System.Text.Json;

namespace FuncLedger.Hosting;

/// <summary>
/// The function app's local settings file (local.settings.json), read the way <c>func start</c> reads it: a host concern,
/// so it lives with the hosts, not the core (Standalone and the CLI read it).
/// </summary>
public static class LocalSettings
{
    /// <summary>The string <c>Values</c> of the file, as configuration keys (<c>A__B</c> becomes <c>A:B</c>).</summary>
    public static Dictionary<string, string?> Read(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(path),
            new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (document.RootElement.TryGetProperty("Values", out var section))
        {
            foreach (var property in section.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String))
            {
                values[property.Name.Replace("__", ":", StringComparison.Ordinal)] = property.Value.GetString();
            }
        }

        return values;
    }
}
