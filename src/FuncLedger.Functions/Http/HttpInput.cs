using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using FuncLedger.Core.Domain;
using FuncLedger.Functions.Contracts;
using Microsoft.AspNetCore.Http;

namespace FuncLedger.Functions.Http;

/// <summary>
/// The HTTP adapter's binding: strict JSON with a size limit, the idempotency header, path and query values, and the 200
/// response. Everything it refuses is an <see cref="HttpProblemException"/>, which <see cref="HttpErrors"/> maps.
/// </summary>
public static class HttpInput
{
    /// <summary>Reads and binds a JSON body: at most <paramref name="bytesMax"/> bytes (<see cref="HttpLimits.RequestBodyBytesMax"/>
    /// unless a route says otherwise), strict types, no unknown fields.</summary>
    public static async Task<T> ReadJsonAsync<T>(HttpRequest request, JsonTypeInfo<T> type, CancellationToken cancellationToken,
        int bytesMax = HttpLimits.RequestBodyBytesMax)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(request);
        var contentType = request.ContentType;
        if (!string.IsNullOrEmpty(contentType) && !IsJson(contentType))
        {
            throw new HttpProblemException(ProblemCodes.UnsupportedMediaType, "Send the body as application/json.");
        }

        if (request.ContentLength > bytesMax)
        {
            throw TooLarge(bytesMax);
        }

        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(bytesMax + 1);
        try
        {
            var length = 0;
            int read;
            while (length <= bytesMax
                && (read = await request.Body.ReadAsync(
                    buffer.AsMemory(length, bytesMax + 1 - length), cancellationToken)) > 0)
            {
                length += read;
            }

            if (length > bytesMax)
            {
                throw TooLarge(bytesMax);
            }

            if (length == 0)
            {
                throw new HttpProblemException(ProblemCodes.MalformedJson, "A JSON object body is required.");
            }

            return Bind(buffer.AsSpan(0, length), type);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static T Bind<T>(ReadOnlySpan<byte> body, JsonTypeInfo<T> type)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize(body, type)
                ?? throw new HttpProblemException(ProblemCodes.MalformedJson, "A JSON object body is required.");
        }
        catch (JsonException e)
        {
            // Only on the error path: tell a body that is not JSON at all from a field of the wrong type.
            if (!JsonText.IsWellFormed(body))
            {
                throw new HttpProblemException(ProblemCodes.MalformedJson, "The body is not well-formed JSON.");
            }

            var field = FieldOf(e.Path);
            throw Invalid(field, field == "$"
                ? "The body must be a JSON object with the documented fields only."
                : "Unknown field, or a value of the wrong type (amounts and ids are integers).");
        }
    }

    /// <summary>An optional JSON body: <paramref name="none"/> when the request has none, else <see cref="ReadJsonAsync"/>.</summary>
    public static async Task<T> ReadOptionalJsonAsync<T>(HttpRequest request, JsonTypeInfo<T> type, T none,
        CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.ContentLength is 0 or null && !request.Headers.ContainsKey("Transfer-Encoding")
            ? none
            : await ReadJsonAsync(request, type, cancellationToken);
    }

    /// <summary>The idempotency key from the header and/or the body; both present and different is a 400.</summary>
    public static string? IdempotencyKey(HttpRequest request, string? bodyKey)
    {
        ArgumentNullException.ThrowIfNull(request);
        var values = request.Headers[IdempotencyHeaders.Key];
        if (values.Count > 1)
        {
            throw Invalid("Idempotency-Key", "Send the header once.");
        }

        var header = values.Count == 1 ? values[0] : null;
        if (header is not null && bodyKey is not null && !string.Equals(header, bodyKey, StringComparison.Ordinal))
        {
            throw Invalid("idempotencyKey", "The Idempotency-Key header and the body's idempotencyKey differ.");
        }

        return header ?? bodyKey;
    }

    /// <summary>A path segment that must be an owner id (a positive 64-bit integer).</summary>
    public static OwnerId Owner(string? value, string field = "ownerId") =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0
            ? Core.Domain.OwnerId.From(id, field)
            : throw Invalid(field, "Must be a positive 64-bit integer.");

    /// <summary>An optional integer query parameter.</summary>
    public static int? QueryInt(HttpRequest request, string name)
    {
        ArgumentNullException.ThrowIfNull(request);
        var values = request.Query[name];
        if (values.Count == 0 || string.IsNullOrEmpty(values[0]))
        {
            return null;
        }

        return values.Count == 1 && int.TryParse(values[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Invalid(name, "Must be an integer.");
    }

    /// <summary>An optional instant in ISO 8601 with its offset (<c>2026-11-20T00:00:00Z</c>, <c>...+01:00</c>); a time
    /// without an offset is refused rather than guessed.</summary>
    public static DateTimeOffset? QueryInstant(HttpRequest request, string name)
    {
        ArgumentNullException.ThrowIfNull(request);
        var values = request.Query[name];
        if (values.Count == 0 || string.IsNullOrEmpty(values[0]))
        {
            return null;
        }

        return values.Count == 1 ? Instant(values[0], name) : throw Invalid(name, "Give it once.");
    }

    /// <summary>An optional instant in ISO 8601 with its offset (a query parameter's or a body field's text).</summary>
    public static DateTimeOffset? Instant(string? text, string field)
    {
        if (text is null)
        {
            return null;
        }

        var offset = text.EndsWith('Z') || (text.Length > 6 && text[^6] is '+' or '-' && text[^3] == ':');
        return offset && text.Contains('T', StringComparison.Ordinal)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var value)
            ? value
            : throw Invalid(field, "Must be an ISO 8601 instant with its offset, e.g. 2026-11-20T00:00:00Z.");
    }

    /// <summary>A path segment that must be an id (a positive 64-bit integer): a hold's, a transaction's.</summary>
    public static long Id(string? value, string field) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0
            ? id
            : throw Invalid(field, "Must be a positive 64-bit integer.");

    /// <summary>An optional text query parameter, given once.</summary>
    public static string? QueryText(HttpRequest request, string name)
    {
        ArgumentNullException.ThrowIfNull(request);
        var values = request.Query[name];
        return values.Count switch
        {
            0 => null,
            1 when !string.IsNullOrEmpty(values[0]) => values[0],
            _ => throw Invalid(name, "Give it once, not empty."),
        };
    }

    /// <summary>An optional history filter: <c>credit</c> or <c>debit</c>.</summary>
    public static HistoryType? QueryHistoryType(HttpRequest request, string name) => QueryText(request, name) switch
    {
        null => null,
        "credit" => HistoryType.Credit,
        "debit" => HistoryType.Debit,
        _ => throw Invalid(name, "Must be credit or debit."),
    };

    /// <summary>An optional boolean query parameter (<c>true</c> or <c>false</c>).</summary>
    public static bool? QueryBool(HttpRequest request, string name)
    {
        ArgumentNullException.ThrowIfNull(request);
        var values = request.Query[name];
        if (values.Count == 0 || string.IsNullOrEmpty(values[0]))
        {
            return null;
        }

        return values.Count == 1 && bool.TryParse(values[0], out var value)
            ? value
            : throw Invalid(name, "Must be true or false.");
    }

    /// <summary>Required body fields, all reported at once.</summary>
    public static void Require(params (string Field, bool Present)[] fields)
    {
        var missing = fields.Where(f => !f.Present).Select(f => new ProblemFieldError(f.Field, "Required.")).ToArray();
        if (missing.Length > 0)
        {
            throw Invalid(missing);
        }
    }

    public static string? Meta(JsonElement? meta) =>
        meta is { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined } m ? m.GetRawText() : null;

    /// <summary>A 200 JSON response (or <paramref name="status"/>); a replay carries <c>Idempotent-Replayed: true</c> with the
    /// original body.</summary>
    public static JsonResponse<T> Ok<T>(T value, JsonTypeInfo<T> type, bool replayed = false, int status = StatusCodes.Status200OK)
    {
        var response = new JsonResponse<T>(status, value, type);
        if (replayed)
        {
            response.Headers[IdempotencyHeaders.Replayed] = "true";
        }

        return response;
    }

    /// <summary>The 400 <c>validation</c> problem for one field.</summary>
    public static HttpProblemException Invalid(string field, string message) => Invalid([new ProblemFieldError(field, message)]);

    private static HttpProblemException Invalid(ProblemFieldError[] errors) =>
        new(ProblemCodes.Validation, "One or more fields are not valid.", errors);

    private static HttpProblemException TooLarge(int bytesMax) => new(ProblemCodes.PayloadTooLarge,
        string.Create(CultureInfo.InvariantCulture, $"The body may hold at most {bytesMax} bytes."));

    private static bool IsJson(string contentType)
    {
        var mediaType = contentType.Split(';', 2)[0].Trim();
        return mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (mediaType.StartsWith("application/", StringComparison.OrdinalIgnoreCase)
                && mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
    }

    private static string FieldOf(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return "$";
        }

        var field = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
        var cut = field.IndexOfAny(['.', '[']);
        return cut > 0 ? field[..cut] : field;
    }
}
