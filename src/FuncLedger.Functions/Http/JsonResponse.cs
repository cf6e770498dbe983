using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace FuncLedger.Functions.Http;

/// <summary>A JSON response written with the source-generated contract (no MVC formatter involved, so every host
/// writes the same bytes).</summary>
public sealed class JsonResponse<T>(int status, T value, JsonTypeInfo<T> type, string contentType = "application/json; charset=utf-8")
    : IActionResult
{
    public int StatusCode { get; } = status;

    public T Value { get; } = value;

    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    public async Task ExecuteResultAsync(ActionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var response = context.HttpContext.Response;
        response.StatusCode = StatusCode;
        response.ContentType = contentType;
        foreach (var (name, headerValue) in Headers)
        {
            response.Headers[name] = headerValue;
        }

        await JsonSerializer.SerializeAsync(response.Body, Value, type, context.HttpContext.RequestAborted);
    }
}
