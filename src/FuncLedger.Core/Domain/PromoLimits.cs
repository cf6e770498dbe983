namespace FuncLedger.Core.Domain;

/// <summary>Every bound of promo codes as a named constant; inputs outside them are refused at the edge before any database work.
/// </summary>
public static class PromoLimits
{
    /// <summary>A campaign's name is required and at most this many UTF-16 characters.</summary>
    public const int NameLengthMax = 100;

    /// <summary>A vanity code is 4..32 of <c>[A-Z0-9-]</c> (case-insensitive: kept upper case).</summary>
    public const int VanityLengthMin = 4;

    public const int VanityLengthMax = 32;

    /// <summary>The most single-use codes one request generates.</summary>
    public const int CodesPerRequestMax = 100_000;

    /// <summary>A generated code: this many symbols of <see cref="CodeAlphabet"/> (5 bits each: 60 bits), in groups of four.</summary>
    public const int CodeSymbols = 12;

    /// <summary>Digits and capitals without the look-alikes 0/O and 1/I: 32 symbols, 5 bits each.</summary>
    public const string CodeAlphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

    /// <summary>The longest code a player may type (a vanity code, or a generated one with its dashes and some spaces).</summary>
    public const int TypedCodeLengthMax = 64;

    /// <summary>A player redeems a campaign at most this many times (1 by default).</summary>
    public const int PerPlayerLimitMax = 1_000;

    /// <summary>Failed redeem or check attempts per owner within <see cref="AttemptWindowMinutes"/> before 429 (default).</summary>
    public const int FailedAttemptsMaxDefault = 10;

    public const int AttemptWindowMinutes = 60;
}
