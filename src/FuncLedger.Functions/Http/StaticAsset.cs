using System.Collections.Concurrent;
using System.IO.Compression;
using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace FuncLedger.Functions.Http;

/// <summary>Bytes as they are, with a status: the pages, scripts and documents the app serves itself (no MVC executor
/// involved, so every host writes the same response).</summary>
internal sealed class StaticAsset(byte[] body, string contentType, int status = StatusCodes.Status200OK) : IActionResult
{
    private static readonly ConcurrentDictionary<string, byte[]> Embeds = new();

    /// <summary>A resource embedded in this assembly, read once.</summary>
    public static StaticAsset Embedded(string name, string contentType) =>
        new(Embeds.GetOrAdd(name, n => Resource(typeof(StaticAsset).Assembly, n)), contentType);

    /// <summary>The bytes of a resource embedded in <paramref name="assembly"/>.</summary>
    public static byte[] Resource(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"{assembly.GetName().Name} has no resource {name}.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>The bytes of a gzip stream.</summary>
    public static byte[] Gunzip(byte[] compressed)
    {
        using var gzip = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
        using var plain = new MemoryStream();
        gzip.CopyTo(plain);
        return plain.ToArray();
    }

    public async Task ExecuteResultAsync(ActionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var response = context.HttpContext.Response;
        response.StatusCode = status;
        response.ContentType = contentType;
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, context.HttpContext.RequestAborted);
    }
}
