using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace FuncLedger.Hosting;

/// <summary><c>HistoryLinks:Secret</c> (at least 32 characters; the HMAC key of every link) and the longest lifetime a
/// link may have (<c>HistoryLinks:MaxTtlMinutes</c>, 7 days).</summary>
public sealed class HistoryLinkOptions
{
    public const string Section = "HistoryLinks";
    public const int SecretLengthMin = 32;

    public string? Secret { get; set; }

    public int MaxTtlMinutes { get; set; } = 7 * 24 * 60;
}

/// <summary>How a link checked out.</summary>
public enum HistoryLinkCheck
{
    Valid,
    Invalid,
    Expired,
}

/// <summary>
/// Signed, expiring, read-only links to one owner's history page: a token of the owner, the expiry and an HMAC-SHA256 of
/// both under the app's secret (version 1: 1 + 8 + 8 + 32 bytes, base64url). Nothing else is granted: the token reads
/// that owner's balance and history until it expires, and a changed owner, expiry or byte fails the MAC.
/// </summary>
public sealed class HistoryLinks(HistoryLinkOptions options, TimeProvider time)
{
    private const byte Version = 1;
    private const int PayloadLength = 1 + 8 + 8;
    private const int TokenLength = PayloadLength + 32;
    private static readonly byte[] Purpose = Encoding.ASCII.GetBytes("funcledger/history-link/v1");

    private byte[] Key => options.Secret is { Length: >= HistoryLinkOptions.SecretLengthMin } secret
        ? Encoding.UTF8.GetBytes(secret)
        : throw new InvalidOperationException(
            $"Set {HistoryLinkOptions.Section}__Secret ({HistoryLinkOptions.SecretLengthMin} characters or more) "
            + "to issue and check history links.");

    /// <summary>A token for <paramref name="ownerId"/>'s history, valid for <paramref name="ttl"/> (1 minute to the
    /// configured maximum), and when it expires.</summary>
    public (string Token, DateTimeOffset ExpiresAt) Create(long ownerId, TimeSpan ttl)
    {
        if (ownerId <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(ownerId), "An owner id is a positive integer.");
        }

        if (ttl < TimeSpan.FromMinutes(1) || ttl > TimeSpan.FromMinutes(options.MaxTtlMinutes))
        {
            throw new ArgumentOutOfRangeException(nameof(ttl), $"A link lives 1 minute to {options.MaxTtlMinutes} minutes.");
        }

        var expires = time.GetUtcNow().Add(ttl);
        var token = new byte[TokenLength];
        token[0] = Version;
        BinaryPrimitives.WriteInt64BigEndian(token.AsSpan(1), ownerId);
        BinaryPrimitives.WriteInt64BigEndian(token.AsSpan(9), expires.ToUnixTimeSeconds());
        Mac(token.AsSpan(0, PayloadLength), token.AsSpan(PayloadLength));
        return (Base64Url(token), DateTimeOffset.FromUnixTimeSeconds(expires.ToUnixTimeSeconds()));
    }

    /// <summary>Whether <paramref name="token"/> grants <paramref name="ownerId"/>'s history now.</summary>
    public HistoryLinkCheck Check(long ownerId, string? token)
    {
        var key = Key;
        // Canonical encodings only: base64url's last character has spare bits, and a token is one string, not several.
        if (token is null || !TryDecode(token, out var bytes) || bytes.Length != TokenLength || bytes[0] != Version
            || Base64Url(bytes) != token)
        {
            return HistoryLinkCheck.Invalid;
        }

        Span<byte> expected = stackalloc byte[32];
        Mac(bytes.AsSpan(0, PayloadLength), expected, key);
        if (!CryptographicOperations.FixedTimeEquals(expected, bytes.AsSpan(PayloadLength))
            || BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(1)) != ownerId)
        {
            return HistoryLinkCheck.Invalid;
        }

        return BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(9)) > time.GetUtcNow().ToUnixTimeSeconds()
            ? HistoryLinkCheck.Valid
            : HistoryLinkCheck.Expired;
    }

    /// <summary>The page's address for a token: <paramref name="api"/> is the app's API base (…/api).</summary>
    public static string PageUrl(string api, long ownerId, string token)
    {
        ArgumentNullException.ThrowIfNull(api);
        return $"{api.TrimEnd('/')}/history/{ownerId.ToString(System.Globalization.CultureInfo.InvariantCulture)}?t={token}";
    }

    /// <summary>Parses a lifetime: <c>15m</c>, <c>2h</c>, <c>1d</c>, <c>90s</c>, or a plain number of minutes.</summary>
    public static TimeSpan ParseTtl(string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        var unit = text[^1];
        var number = char.IsDigit(unit) ? text : text[..^1];
        if (!int.TryParse(number, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n))
        {
            throw new FormatException("A lifetime is a number with s, m, h or d (15m, 2h, 1d).");
        }

        return unit switch
        {
            's' => TimeSpan.FromSeconds(n),
            'h' => TimeSpan.FromHours(n),
            'd' => TimeSpan.FromDays(n),
            'm' or (>= '0' and <= '9') => TimeSpan.FromMinutes(n),
            _ => throw new FormatException("A lifetime is a number with s, m, h or d (15m, 2h, 1d)."),
        };
    }

    private void Mac(ReadOnlySpan<byte> payload, Span<byte> mac) => Mac(payload, mac, Key);

    private static void Mac(ReadOnlySpan<byte> payload, Span<byte> mac, byte[] key)
    {
        Span<byte> message = stackalloc byte[Purpose.Length + PayloadLength];
        Purpose.CopyTo(message);
        payload.CopyTo(message[Purpose.Length..]);
        HMACSHA256.HashData(key, message, mac);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static bool TryDecode(string token, out byte[] bytes)
    {
        bytes = [];
        if (token.Length > 128)
        {
            return false;
        }

        var base64 = token.Replace('-', '+').Replace('_', '/');
        base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
        try
        {
            bytes = Convert.FromBase64String(base64);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
