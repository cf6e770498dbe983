using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace FuncLedger.Hosting;

/// <summary>
/// The history links' settings: <c>HistoryLinks:Secret</c>, the HMAC key links are signed with (at least 32 bytes; on Azure a
/// Key Vault reference), <c>HistoryLinks:PreviousSecret</c> (optional: still accepted, so rotating the secret keeps the links
/// issued under the previous one alive until they expire), <c>HistoryLinks:DefaultTtlMinutes</c> (24 hours) and
/// <c>HistoryLinks:MaxTtlMinutes</c> (7 days, never more).
/// </summary>
public sealed class HistoryLinkOptions
{
    public const string Section = "HistoryLinks";

    /// <summary>The shortest secret, in bytes of its UTF-8 text: the HMAC-SHA256 key's own size.</summary>
    public const int SecretBytesMin = 32;

    /// <summary>The longest lifetime any link may have.</summary>
    public const int TtlMinutesMax = 7 * 24 * 60;

    public const int DefaultTtlMinutesDefault = 24 * 60;

    public string? Secret { get; set; }

    public string? PreviousSecret { get; set; }

    public int DefaultTtlMinutes { get; set; } = DefaultTtlMinutesDefault;

    public int MaxTtlMinutes { get; set; } = TtlMinutesMax;

    /// <summary>Refuses settings the app cannot serve links with: the app does not start without a usable secret (one line,
    /// exit code 2) instead of answering 500 on every history request.</summary>
    public void Validate()
    {
        Check(Secret, "Secret", required: true);
        Check(PreviousSecret, "PreviousSecret", required: false);
        if (MaxTtlMinutes is < 1 or > TtlMinutesMax || DefaultTtlMinutes < 1 || DefaultTtlMinutes > MaxTtlMinutes)
        {
            throw new InvalidOperationException(
                $"{Section} needs 1 <= DefaultTtlMinutes <= MaxTtlMinutes <= {TtlMinutesMax} (7 days).");
        }
    }

    private static void Check(string? secret, string name, bool required)
    {
        // An optional secret left empty (a sample's placeholder, an app setting cleared) is no secret.
        if (string.IsNullOrEmpty(secret) && !required)
        {
            return;
        }

        // An App Service Key Vault reference that could not be resolved arrives as its own text: never a key.
        if (secret is not null && secret.StartsWith("@Microsoft.KeyVault(", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(
                $"{Section}__{name} is a Key Vault reference the platform did not resolve: check the app identity's access to the vault.");
        }

        if (secret is null || Encoding.UTF8.GetByteCount(secret) < SecretBytesMin)
        {
            throw new InvalidOperationException(
                $"Set {Section}__{name} ({SecretBytesMin} bytes or more) to issue and check history links.");
        }
    }
}

/// <summary>How a link checked out.</summary>
public enum HistoryLinkCheck
{
    Valid,
    Invalid,
    Expired,
}

/// <summary>
/// Signed, expiring, read-only links to one owner's history page: a token of the owner, the expiry and the owner's link epoch,
/// with an HMAC-SHA256 of them under the app's secret (version 2: 1 + 8 + 8 + 4 + 32 bytes, base64url). Nothing else is
/// granted: the token reads that owner's balance and history until it expires or the owner's links are revoked (the epoch
/// moves on: <c>FuncLedger.Core.Maintenance.IHistoryLinkEpochs</c>), and a changed owner, expiry, epoch or byte fails the MAC.
/// A token signed with the previous secret is accepted too, so a rotation breaks no link.
/// </summary>
public sealed class HistoryLinks(HistoryLinkOptions options, TimeProvider time)
{
    private const byte Version = 2;
    private const int PayloadLength = 1 + 8 + 8 + 4;
    private const int TokenLength = PayloadLength + 32;
    private const int TokenTextLengthMax = 128;
    private static readonly byte[] Purpose = Encoding.ASCII.GetBytes("funcledger/history-link/v2");

    /// <summary>The lifetime a link gets when none is asked for.</summary>
    public TimeSpan DefaultTtl => TimeSpan.FromMinutes(options.DefaultTtlMinutes);

    private byte[] Key
    {
        get
        {
            options.Validate();
            return Encoding.UTF8.GetBytes(options.Secret!);
        }
    }

    /// <summary>A token for <paramref name="ownerId"/>'s history under link epoch <paramref name="epoch"/>, valid for
    /// <paramref name="ttl"/> (1 minute to the configured maximum), and when it expires.</summary>
    public (string Token, DateTimeOffset ExpiresAt) Create(long ownerId, int epoch, TimeSpan ttl)
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
        BinaryPrimitives.WriteInt32BigEndian(token.AsSpan(17), epoch);
        Mac(token.AsSpan(0, PayloadLength), token.AsSpan(PayloadLength), Key);
        return (Base64Url(token), DateTimeOffset.FromUnixTimeSeconds(expires.ToUnixTimeSeconds()));
    }

    /// <summary>Whether <paramref name="token"/> grants <paramref name="ownerId"/>'s history now, and the link epoch it was
    /// issued under (the caller compares it with the owner's current epoch).</summary>
    public (HistoryLinkCheck Result, int Epoch) Check(long ownerId, string? token)
    {
        var key = Key;
        // Canonical encodings only: base64url's last character has spare bits, and a token is one string, not several.
        if (token is null || token.Length > TokenTextLengthMax || !TryDecode(token, out var bytes) || bytes.Length != TokenLength
            || bytes[0] != Version || Base64Url(bytes) != token)
        {
            return (HistoryLinkCheck.Invalid, 0);
        }

        var signed = Signed(bytes, key)
            || (options.PreviousSecret is { Length: > 0 } previous && Signed(bytes, Encoding.UTF8.GetBytes(previous)));
        if (!signed || BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(1)) != ownerId)
        {
            return (HistoryLinkCheck.Invalid, 0);
        }

        var epoch = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(17));
        return BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(9)) > time.GetUtcNow().ToUnixTimeSeconds()
            ? (HistoryLinkCheck.Valid, epoch)
            : (HistoryLinkCheck.Expired, epoch);
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

    private static bool Signed(byte[] token, byte[] key)
    {
        Span<byte> expected = stackalloc byte[32];
        Mac(token.AsSpan(0, PayloadLength), expected, key);
        return CryptographicOperations.FixedTimeEquals(expected, token.AsSpan(PayloadLength));
    }

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
