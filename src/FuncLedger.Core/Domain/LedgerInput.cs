using System.Buffers;
using System.Text;
using System.Text.Json;

namespace FuncLedger.Core.Domain;

/// <summary>
/// Argument checks at the edge of the core for the plain strings and numbers of a command (reason, meta, paging); the
/// typed values (<see cref="Coins"/>, <see cref="OwnerId"/>, <see cref="IdempotencyKey"/>) check themselves. Every check
/// runs before any database work, so bad input changes nothing.
/// </summary>
public static class LedgerInput
{
    /// <summary>A reason is required, at most <see cref="LedgerLimits.ReasonLengthMax"/> characters, without control characters.</summary>
    public static string Reason(string? reason)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new LedgerValidationException("reason", "A reason is required.");
        }

        if (reason.Length > LedgerLimits.ReasonLengthMax)
        {
            throw new LedgerValidationException("reason", $"The reason must be at most {LedgerLimits.ReasonLengthMax} characters.");
        }

        return reason.AsSpan().IndexOfAnyInRange('\u0000', '\u001f') >= 0 || reason.Contains('\u007f', StringComparison.Ordinal)
            ? throw new LedgerValidationException("reason", "The reason must not contain control characters.")
            : reason;
    }

    /// <summary>Optional meta: a JSON object of at most <see cref="LedgerLimits.MetaBytesMax"/> bytes; returned minified.</summary>
    public static string? Meta(string? meta)
    {
        if (meta is null)
        {
            return null;
        }

        if (Encoding.UTF8.GetByteCount(meta) > LedgerLimits.MetaBytesMax * 4)
        {
            throw MetaTooLarge();
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(meta, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException)
        {
            throw new LedgerValidationException("meta", "Meta must be a JSON object.");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new LedgerValidationException("meta", "Meta must be a JSON object.");
            }

            var buffer = new ArrayBufferWriter<byte>(Math.Min(meta.Length, LedgerLimits.MetaBytesMax) + 16);
            try
            {
                using var writer = new Utf8JsonWriter(buffer);
                document.RootElement.WriteTo(writer);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                // A string that is not valid UTF-16 (a lone surrogate such as "\ud800") cannot be stored as text.
                throw new LedgerValidationException("meta", "Meta must hold valid Unicode text (no lone surrogates).");
            }

            return buffer.WrittenCount > LedgerLimits.MetaBytesMax
                ? throw MetaTooLarge()
                : Encoding.UTF8.GetString(buffer.WrittenSpan);
        }
    }

    /// <summary>History paging: limit in 1..<see cref="LedgerLimits.HistoryLimitMax"/>, offset in 0..<see
    /// cref="LedgerLimits.HistoryOffsetMax"/>.</summary>
    public static (int Limit, int Offset) Page(int limit, int offset)
    {
        var errors = new List<FieldError>(2);
        if (limit is < LedgerLimits.HistoryLimitMin or > LedgerLimits.HistoryLimitMax)
        {
            errors.Add(new FieldError("limit", $"The limit must be {LedgerLimits.HistoryLimitMin} to {LedgerLimits.HistoryLimitMax}."));
        }

        if (offset is < 0 or > LedgerLimits.HistoryOffsetMax)
        {
            errors.Add(new FieldError("offset", $"The offset must be 0 to {LedgerLimits.HistoryOffsetMax}."));
        }

        return errors.Count == 0 ? (limit, offset) : throw new LedgerValidationException(errors);
    }

    private static LedgerValidationException MetaTooLarge() =>
        new("meta", $"Meta must be at most {LedgerLimits.MetaBytesMax} bytes of JSON.");
}
