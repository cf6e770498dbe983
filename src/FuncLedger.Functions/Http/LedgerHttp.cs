using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using FuncLedger.Core.Domain;
using FuncLedger.Core.Persistence;
using FuncLedger.Functions.Contracts;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;

namespace FuncLedger.Functions.Http;

/// <summary>Bounds of the HTTP adapter.</summary>
public static class HttpLimits
{
    /// <summary>The largest request body read, in bytes; larger bodies get 413.</summary>
    public const int RequestBodyBytesMax = 16 * 1024;

    /// <summary>Seconds a client is told to wait (Retry-After) when the ledger is busy or a key is in flight.</summary>
    public const int RetryAfterSeconds = 1;
}

/// <summary>The HTTP header names of the idempotency contract.</summary>
public static class IdempotencyHeaders
{
    public const string Key = "Idempotency-Key";
    public const string Replayed = "Idempotent-Replayed";
}

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

/// <summary>Idempotency keys whose first request is running in this instance: a second one gets 409 at once
/// instead of queueing behind it. (Across instances the ledger itself serialises them and replays.)</summary>
public sealed class InFlightKeys
{
    private readonly ConcurrentDictionary<string, byte> _keys = new(StringComparer.Ordinal);

    public IDisposable? TryClaim(string? key)
    {
        if (key is null)
        {
            return Claim.None;
        }

        return _keys.TryAdd(key, 0) ? new Claim(this, key) : null;
    }

    private sealed class Claim(InFlightKeys? owner, string key) : IDisposable
    {
        public static readonly Claim None = new(null, "");

        public void Dispose() => owner?._keys.TryRemove(key, out _);
    }
}

/// <summary>
/// The HTTP adapter's shared steps: strict JSON binding with a size limit, the idempotency header, and the one
/// place that maps every error to RFC 9457 problem details. Functions stay thin: bind, call one core operation, map.
/// </summary>
public sealed partial class LedgerHttp(InFlightKeys inFlight, SqlDialect dialect, ILogger<LedgerHttp> logger)
{
    public const string ProblemContentType = "application/problem+json; charset=utf-8";

    /// <summary>Runs <paramref name="operation"/>; every failure becomes a problem response, never a stack trace.</summary>
    public async Task<IActionResult> HandleAsync(HttpRequest request, Func<Task<IActionResult>> operation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(operation);
        var instance = HttpProblems.InstanceOf(request.HttpContext);
        try
        {
            return await operation();
        }
        catch (LedgerException e)
        {
            return Respond(HttpProblems.From(e, instance));
        }
        catch (HttpProblemException e)
        {
            var response = Respond(HttpProblems.Create(e.Code, e.Message, instance, e.Errors));
            if (e.Code is ProblemCodes.IdempotencyInFlight)
            {
                response.Headers["Retry-After"] = HttpLimits.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            }

            return response;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (dialect.IsTransient(e) || dialect.IsUnavailable(e))
        {
            LogBusy(logger, instance, e.GetType().Name);
            // Retries exhausted, or the database unreachable mid-request (the outcome may be unknown): the client
            // retries with the same idempotency key, which applies the operation at most once.
            var response = Respond(HttpProblems.Create(ProblemCodes.ServiceUnavailable, "The ledger is busy. Retry the same request with the same idempotency key.", instance));
            response.Headers["Retry-After"] = HttpLimits.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            return response;
        }
        catch (Exception e)
        {
            // The exception's text can quote data (a duplicate key value, a path): log its type and SQL state only.
            LogFailed(logger, instance, e is System.Data.Common.DbException db ? $"{e.GetType().Name} {db.SqlState}" : e.GetType().Name);
            return Respond(HttpProblems.Create(ProblemCodes.InternalError,
                "The request failed; nothing was written unless a retry with the same idempotency key replays it.", instance));
        }
    }

    /// <summary>Reads and binds a JSON body: at most <see cref="HttpLimits.RequestBodyBytesMax"/> bytes, strict types,
    /// no unknown fields.</summary>
    public static async Task<T> ReadJsonAsync<T>(HttpRequest request, JsonTypeInfo<T> type, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(request);
        var contentType = request.ContentType;
        if (!string.IsNullOrEmpty(contentType) && !IsJson(contentType))
        {
            throw new HttpProblemException(ProblemCodes.UnsupportedMediaType, "Send the body as application/json.");
        }

        if (request.ContentLength > HttpLimits.RequestBodyBytesMax)
        {
            throw TooLarge();
        }

        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(HttpLimits.RequestBodyBytesMax + 1);
        try
        {
            var length = 0;
            int read;
            while (length <= HttpLimits.RequestBodyBytesMax
                && (read = await request.Body.ReadAsync(buffer.AsMemory(length, HttpLimits.RequestBodyBytesMax + 1 - length), cancellationToken)) > 0)
            {
                length += read;
            }

            if (length > HttpLimits.RequestBodyBytesMax)
            {
                throw TooLarge();
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
            throw new HttpProblemException(ProblemCodes.Validation, "One or more fields are not valid.",
                [new ProblemFieldError(field, field == "$"
                    ? "The body must be a JSON object with the documented fields only."
                    : "Unknown field, or a value of the wrong type (amounts and ids are integers).")]);
        }
    }

    /// <summary>The idempotency key from the header and/or the body; both present and different is a 400.</summary>
    public static string? IdempotencyKey(HttpRequest request, string? bodyKey)
    {
        ArgumentNullException.ThrowIfNull(request);
        var values = request.Headers[IdempotencyHeaders.Key];
        if (values.Count > 1)
        {
            throw new HttpProblemException(ProblemCodes.Validation, "One or more fields are not valid.",
                [new ProblemFieldError("Idempotency-Key", "Send the header once.")]);
        }

        var header = values.Count == 1 ? values[0] : null;
        if (header is not null && bodyKey is not null && !string.Equals(header, bodyKey, StringComparison.Ordinal))
        {
            throw new HttpProblemException(ProblemCodes.Validation, "One or more fields are not valid.",
                [new ProblemFieldError("idempotencyKey", "The Idempotency-Key header and the body's idempotencyKey differ.")]);
        }

        return header ?? bodyKey;
    }

    /// <summary>Claims the key for the request's lifetime, or fails with 409 while another request holds it.</summary>
    public IDisposable ClaimKey(string? key) =>
        inFlight.TryClaim(key) ?? throw new HttpProblemException(ProblemCodes.IdempotencyInFlight,
            "A request with this idempotency key is still being processed. Retry after it completes to get its result.");

    /// <summary>A path segment that must be an owner id (a positive 64-bit integer).</summary>
    public static long OwnerId(string? value, string field = "ownerId") =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0
            ? id
            : throw new HttpProblemException(ProblemCodes.Validation, "One or more fields are not valid.",
                [new ProblemFieldError(field, "Must be a positive 64-bit integer.")]);

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
            : throw new HttpProblemException(ProblemCodes.Validation, "One or more fields are not valid.",
                [new ProblemFieldError(name, "Must be an integer.")]);
    }

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
            : throw new HttpProblemException(ProblemCodes.Validation, "One or more fields are not valid.",
                [new ProblemFieldError(name, "Must be true or false.")]);
    }

    /// <summary>Required body fields, all reported at once.</summary>
    public static void Require(params (string Field, bool Present)[] fields)
    {
        var missing = fields.Where(f => !f.Present).Select(f => new ProblemFieldError(f.Field, "Required.")).ToArray();
        if (missing.Length > 0)
        {
            throw new HttpProblemException(ProblemCodes.Validation, "One or more fields are not valid.", missing);
        }
    }

    public static string? Meta(JsonElement? meta) =>
        meta is { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined } m ? m.GetRawText() : null;

    /// <summary>A 200 JSON response; a replay carries <c>Idempotent-Replayed: true</c> with the original body.</summary>
    public static JsonResponse<T> Ok<T>(T value, JsonTypeInfo<T> type, bool replayed = false)
    {
        var response = new JsonResponse<T>(StatusCodes.Status200OK, value, type);
        if (replayed)
        {
            response.Headers[IdempotencyHeaders.Replayed] = "true";
        }

        return response;
    }

    public static JsonResponse<Problem> Respond(Problem problem) =>
        new(problem.Status, problem, FuncLedgerJson.Default.Problem, ProblemContentType);

    private static HttpProblemException TooLarge() => new(ProblemCodes.PayloadTooLarge,
        string.Create(CultureInfo.InvariantCulture, $"The body may hold at most {HttpLimits.RequestBodyBytesMax} bytes."));

    private static bool IsJson(string contentType)
    {
        var mediaType = contentType.Split(';', 2)[0].Trim();
        return mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (mediaType.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
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

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Request {Instance} gave up on a busy or unreachable database ({ErrorType})")]
    private static partial void LogBusy(ILogger logger, string instance, string errorType);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Error, Message = "Request {Instance} failed ({ErrorType})")]
    private static partial void LogFailed(ILogger logger, string instance, string errorType);
}
