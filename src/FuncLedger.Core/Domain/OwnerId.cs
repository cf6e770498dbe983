using System.Globalization;

namespace FuncLedger.Core.Domain;

/// <summary>
/// A wallet's owner: the tournament system's profile id, a positive 64-bit integer, checked once, by <see cref="From"/>.
/// Owner ids are the players' identity: logs and problem documents name wallet ids instead.
/// </summary>
public readonly record struct OwnerId
{
    private OwnerId(long value) => Value = value;

    /// <summary>The profile id, 1..<see cref="long.MaxValue"/>.</summary>
    public long Value { get; }

    /// <summary>The owner id, or <see cref="InvalidWalletException"/> (code <c>validation</c>, naming
    /// <paramref name="field"/>) when it is not positive.</summary>
    public static OwnerId From(long value, string field = "ownerId") => value > 0
        ? new OwnerId(value)
        : throw new InvalidWalletException(InvalidWalletReason.InvalidOwner, $"{field} must be a positive integer.");

    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);
}
