using System.Text.Json;
using System.Xml;
using Azure.Storage.Queues;

namespace FuncLedger.Standalone;

/// <summary>The parts of host.json that Standalone honours, with the Functions host's defaults.</summary>
public sealed record HostJson(
    string RoutePrefix,
    int QueueBatchSize,
    int QueueNewBatchThreshold,
    int QueueMaxDequeueCount,
    TimeSpan QueueMaxPollingInterval,
    TimeSpan QueueVisibilityTimeout,
    QueueMessageEncoding QueueMessageEncoding)
{
    /// <summary>The Functions host's limits on queue batches.</summary>
    public const int BatchSizeMax = 32;

    public static HostJson Load(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(path),
            new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var extensions = document.RootElement.TryGetProperty("extensions", out var e) ? e : default;
        var http = Section(extensions, "http");
        var queues = Section(extensions, "queues");
        var batchSize = Int(queues, "batchSize", 16);
        if (batchSize is < 1 or > BatchSizeMax)
        {
            throw new InvalidOperationException($"host.json: queues.batchSize must be 1 to {BatchSizeMax}.");
        }

        var encoding = String(queues, "messageEncoding", "base64")!.ToLowerInvariant() switch
        {
            "base64" => QueueMessageEncoding.Base64,
            "none" => QueueMessageEncoding.None,
            var other => throw new InvalidOperationException($"host.json: queues.messageEncoding '{other}' is not base64 or none."),
        };
        return new HostJson(
            (String(http, "routePrefix", "api") ?? "").Trim('/'),
            batchSize,
            Int(queues, "newBatchThreshold", batchSize / 2),
            Int(queues, "maxDequeueCount", 5),
            Time(queues, "maxPollingInterval", TimeSpan.FromMinutes(1)),
            Time(queues, "visibilityTimeout", TimeSpan.Zero),
            encoding);
    }

    private static JsonElement Section(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) ? value : default;

    private static string? String(JsonElement section, string name, string? fallback) =>
        section.ValueKind == JsonValueKind.Object && section.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()
            : fallback;

    private static int Int(JsonElement section, string name, int fallback) =>
        section.ValueKind == JsonValueKind.Object && section.TryGetProperty(name, out var v) && v.TryGetInt32(out var i) ? i : fallback;

    private static TimeSpan Time(JsonElement section, string name, TimeSpan fallback)
    {
        var text = String(section, name, null);
        if (text is null)
        {
            // maxPollingInterval may also be given in milliseconds.
            return section.ValueKind == JsonValueKind.Object && section.TryGetProperty(name, out var v) && v.TryGetInt64(out var ms)
                ? TimeSpan.FromMilliseconds(ms) : fallback;
        }

        return TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var span)
            ? span
            : XmlConvert.ToTimeSpan(text);
    }
}
