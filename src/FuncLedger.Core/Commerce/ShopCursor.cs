using System.Buffers.Text;
using System.Text;
using FuncLedger.Core.Domain;

namespace FuncLedger.Core.Commerce;

/// <summary>The shop's page cursors: the last row's sku or id, base64url. Opaque to clients; one that does not decode is a
/// <see cref="LedgerValidationException"/> on field <c>cursor</c>.</summary>
internal static class ShopCursor
{
    public static string Encode(string last) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(last));

    public static string Decode(string cursor)
    {
        try
        {
            return Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
        }
        catch (FormatException)
        {
            throw new LedgerValidationException("cursor", "The cursor is not one this API issued.");
        }
    }

    public static long DecodeId(string cursor) => long.TryParse(Decode(cursor), out var id) && id > 0
        ? id
        : throw new LedgerValidationException("cursor", "The cursor is not one this API issued.");
}
