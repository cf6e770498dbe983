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

    /// <summary>The shortest maxPollingInterval the queue extension accepts.</summary>
    public static readonly TimeSpan PollingIntervalMin = TimeSpan.FromMilliseconds(100);

    /// <summary>How long a payout award may wait out the database before it is given up (moved to poison): the retries after
    /// the first delivery (maxDequeueCount - 1), each visibilityTimeout later.</summary>
    public TimeSpan QueueRetryWindow => QueueVisibilityTimeout * Math.Max(0, QueueMaxDequeueCount - 1);

    public static HostJson Load(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(path),
            new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        // The host reads only version 2.0 files (ScriptHostOptionsSetup: "The host.json file is missing the required 'version'
        // property" / an unsupported version is an error at start).
        if (String(document.RootElement, "version", null) != "2.0")
        {
            throw new InvalidOperationException("host.json: version must be \"2.0\".");
        }

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
        var host = new HostJson(
            (String(http, "routePrefix", "api") ?? "").Trim('/'),
            batchSize,
            Int(queues, "newBatchThreshold", batchSize / 2),
            Int(queues, "maxDequeueCount", 5),
            Time(queues, "maxPollingInterval", TimeSpan.FromMinutes(1)),
            Time(queues, "visibilityTimeout", TimeSpan.Zero),
            encoding);
        // Microsoft.Azure.WebJobs.Extensions.Storage.Queues, QueuesOptions: each setter refuses what is out of range, and the host
        // fails to start with it.
        if (host.QueueNewBatchThreshold < 0 || host.QueueMaxDequeueCount < 1 || host.QueueVisibilityTimeout < TimeSpan.Zero
            || host.QueueMaxPollingInterval < PollingIntervalMin)
        {
            throw new InvalidOperationException("host.json: queues needs newBatchThreshold >= 0, maxDequeueCount >= 1, "
                + $"visibilityTimeout >= 0 and maxPollingInterval >= {PollingIntervalMin.TotalMilliseconds} ms.");
        }

        return host;
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
