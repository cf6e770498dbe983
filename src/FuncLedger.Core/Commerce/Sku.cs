using FuncLedger.Core.Domain;

namespace FuncLedger.Core.Commerce;

/// <summary>An item's stock-keeping unit: 1..<see cref="ShopLimits.SkuLengthMax"/> of <c>[a-z0-9._-]</c>, checked once, by
/// <see cref="From"/>. It names the item in URLs, in entries' meta and in the player's inventory.</summary>
public readonly record struct Sku
{
    private Sku(string value) => Value = value;

    public string Value { get; }

    /// <summary>The sku, or a <see cref="LedgerValidationException"/> on field <paramref name="field"/>.</summary>
    public static Sku From(string? value, string field = "sku")
    {
        if (string.IsNullOrEmpty(value) || value.Length > ShopLimits.SkuLengthMax || !value.All(IsAllowed))
        {
            throw new LedgerValidationException(field, $"A sku is 1 to {ShopLimits.SkuLengthMax} of a-z, 0-9, '.', '_' and '-'.");
        }

        return new Sku(value);
    }

    private static bool IsAllowed(char c) => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '_' or '-';

    public override string ToString() => Value;
}
