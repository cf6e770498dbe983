using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace FuncLedger.Functions;

/// <summary>
/// host.json's <c>logging.logLevel</c> as the app's own <c>Logging:LogLevel:*</c> settings. The Functions host applies
/// host.json to its own logs only; the isolated worker (and Standalone) read the same levels through this, so EF Core's
/// command logs stay at Warning in every host and the hosts log alike. A level set in the environment or on the command
/// line wins over host.json's.
/// </summary>
public static class HostLogging
{
    /// <summary>The levels in <paramref name="hostJsonPath"/> (<c>default</c> becomes <c>Default</c>); none when the file
    /// or the section is absent.</summary>
    public static IReadOnlyList<KeyValuePair<string, string?>> Settings(string hostJsonPath)
    {
        if (!File.Exists(hostJsonPath))
        {
            return [];
        }

        using var document = JsonDocument.Parse(File.ReadAllBytes(hostJsonPath),
            new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var root = document.RootElement;
        if (!root.TryGetProperty("logging", out var logging) || logging.ValueKind != JsonValueKind.Object
            || !logging.TryGetProperty("logLevel", out var levels) || levels.ValueKind != JsonValueKind.Object)
        {
            return [];
        }

        return [.. levels.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String)
            .Select(p => new KeyValuePair<string, string?>(
                "Logging:LogLevel:" + (p.Name.Equals("default", StringComparison.OrdinalIgnoreCase) ? "Default" : p.Name),
                p.Value.GetString()))];
    }

    /// <summary>Adds host.json's levels to <paramref name="configuration"/> where it sets none itself.</summary>
    public static void Apply(IConfigurationManager configuration, string hostJsonPath)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        configuration.AddInMemoryCollection([.. Settings(hostJsonPath).Where(s => configuration[s.Key] is null)]);
    }
}
