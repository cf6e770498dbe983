using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using FuncLedger.Core.Domain;

namespace FuncLedger.Core.Operations;

/// <summary>
/// The opaque, tamper-evident position in a wallet's history: the id below which the next page starts, bound to the owner
/// and the filters it was issued for, signed with HMAC-SHA256 under the database's own cursor key. A changed, forged or
/// reused-elsewhere cursor is a validation error, never another owner's or another filter's page.
/// </summary>
internal static class HistoryCursor
{
    private const string Version = "h1";
    private const int MacBytes = 16;

    public static string Encode(byte[] key, long ownerId, long beforeId, HistoryQuery query)
    {
        var payload = Payload(ownerId, beforeId, query);
        return Base64Url(Encoding.ASCII.GetBytes(payload)) + "." + Base64Url(Mac(key, payload));
    }

    /// <summary>The id the page starts below, or <see cref="LedgerValidationException"/> for a cursor not issued by this
    /// ledger for this owner and these filters.</summary>
    public static long Decode(byte[] key, string cursor, long ownerId, HistoryQuery query)
    {
        var parts = cursor.Split('.');
        var payloadBytes = parts.Length == 2 ? FromBase64Url(parts[0]) : null;
        var mac = parts.Length == 2 ? FromBase64Url(parts[1]) : null;
        var payload = Encoding.ASCII.GetString(payloadBytes ?? []);
        // Only a payload this ledger signed is read; then it must be the one for this owner and these filters.
        if (mac is not { Length: MacBytes } || !CryptographicOperations.FixedTimeEquals(mac, Mac(key, payload)))
        {
            throw Invalid();
        }

        var beforeId = long.Parse(payload.Split('|')[2], NumberStyles.None, CultureInfo.InvariantCulture);
        return string.Equals(payload, Payload(ownerId, beforeId, query), StringComparison.Ordinal) ? beforeId : throw Invalid();
    }

    private static LedgerValidationException Invalid() =>
        new("cursor", "The cursor is not one this ledger issued for this wallet and these filters.");

    private static string Payload(long ownerId, long beforeId, HistoryQuery query) => string.Create(CultureInfo.InvariantCulture,
        $"{Version}|{ownerId}|{beforeId}|{query.From?.UtcTicks}|{query.To?.UtcTicks}|{query.Type}|{query.Limit}");

    private static byte[] Mac(byte[] key, string payload) => HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(payload))[..MacBytes];

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[]? FromBase64Url(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        padded += new string('=', (4 - (padded.Length % 4)) % 4);
        try
        {
            return Convert.FromBase64String(padded);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
