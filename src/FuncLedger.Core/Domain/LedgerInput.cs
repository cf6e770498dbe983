using System.Buffers;
using System.Text;
using System.Text.Json;

namespace FuncLedger.Core.Domain;

/// <summary>
/// Argument checks at the edge of the core: every operation validates its input here, before any
/// database work, so bad input changes nothing.
/// </summary>
public static class LedgerInput
{
    private static readonly SearchValues<char> KeyCharacters =
        SearchValues.Create("!\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~");

    /// <summary>An owner id is the tournament system's profile id: a positive 64-bit integer.</summary>
    public static long OwnerId(long ownerId, string field = "ownerId") =>
        ownerId > 0 ? ownerId : throw new InvalidWalletException(InvalidWalletReason.InvalidOwner, $"{field} must be a positive integer.");

    /// <summary>An amount is in 1..<see cref="LedgerLimits.AmountMax"/> coins.</summary>
    public static long Amount(long amount) => amount switch
    {
        <= 0 => throw new InvalidAmountException("The amount must be a positive whole number of coins."),
        > LedgerLimits.AmountMax => throw new InvalidAmountException($"The amount must not exceed {LedgerLimits.AmountMax} coins."),
        _ => amount,
    };

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

    /// <summary>An optional idempotency key: 1..<see cref="LedgerLimits.IdempotencyKeyLengthMax"/> visible ASCII characters.</summary>
    public static string? IdempotencyKey(string? key)
    {
        if (key is null)
        {
            return null;
        }

        if (key.Length is 0 or > LedgerLimits.IdempotencyKeyLengthMax)
        {
            throw new LedgerValidationException("idempotencyKey",
                $"The idempotency key must be 1 to {LedgerLimits.IdempotencyKeyLengthMax} characters.");
        }

        return key.AsSpan().ContainsAnyExcept(KeyCharacters)
            ? throw new LedgerValidationException("idempotencyKey",
                "The idempotency key may hold visible ASCII characters only (no spaces or control characters).")
            : key;
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
            using (var writer = new Utf8JsonWriter(buffer))
            {
                document.RootElement.WriteTo(writer);
            }

            return buffer.WrittenCount > LedgerLimits.MetaBytesMax
                ? throw MetaTooLarge()
                : Encoding.UTF8.GetString(buffer.WrittenSpan);
        }
    }

    /// <summary>History paging: limit in 1..<see cref="LedgerLimits.HistoryLimitMax"/>, offset in 0..<see cref="LedgerLimits.HistoryOffsetMax"/>.</summary>
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
