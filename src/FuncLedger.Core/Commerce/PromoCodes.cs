using System.Security.Cryptography;
using System.Text;
using FuncLedger.Core.Domain;

namespace FuncLedger.Core.Commerce;

/// <summary>
/// Codes as players type them and as the database keeps them. A generated single-use code is <see cref="PromoLimits.CodeSymbols"/>
/// symbols of <see cref="PromoLimits.CodeAlphabet"/> drawn from the operating system's CSPRNG (60 bits), shown in groups of four
/// (<c>K7QX-M2RD-9HTF</c>) and kept only as the SHA-256 of its normalized form (upper case, no dashes or spaces), so a typed code
/// matches with or without its dashes and in any case. A vanity code is kept as typed, upper case.
/// </summary>
public static class PromoCodes
{
    /// <summary>Whether <paramref name="code"/> (upper case) is a well-formed vanity code.</summary>
    public static bool IsVanity(string code) =>
        code.Length is >= PromoLimits.VanityLengthMin and <= PromoLimits.VanityLengthMax
        && code.All(c => c is (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-');

    /// <summary>A typed code as a vanity code is kept: trimmed, upper case.</summary>
    public static string Vanity(string typed) => typed.Trim().ToUpperInvariant();

    /// <summary>The hash a single-use code is kept as: SHA-256 (hex) of the typed code without dashes or spaces, upper case.</summary>
    public static string Hash(string typed)
    {
        var normalized = new StringBuilder(typed.Length);
        foreach (var c in typed)
        {
            if (c is not ('-' or ' '))
            {
                normalized.Append(char.ToUpperInvariant(c));
            }
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalized.ToString())));
    }

    /// <summary>A new single-use code: 60 bits from the CSPRNG, grouped for reading.</summary>
    public static string Generate()
    {
        Span<char> symbols = stackalloc char[PromoLimits.CodeSymbols];
        for (var i = 0; i < symbols.Length; i++)
        {
            symbols[i] = PromoLimits.CodeAlphabet[RandomNumberGenerator.GetInt32(PromoLimits.CodeAlphabet.Length)];
        }

        return string.Create(symbols.Length + (symbols.Length / 4) - 1, symbols.ToArray(), (span, s) =>
        {
            for (int i = 0, j = 0; i < s.Length; i++)
            {
                if (i > 0 && i % 4 == 0)
                {
                    span[j++] = '-';
                }

                span[j++] = s[i];
            }
        });
    }
}
