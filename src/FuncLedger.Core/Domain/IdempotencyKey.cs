using System.Buffers;

namespace FuncLedger.Core.Domain;

/// <summary>
/// A client's idempotency key: 1..<see cref="LedgerLimits.IdempotencyKeyLengthMax"/> visible ASCII characters, not of a
/// reserved form (<see cref="IdempotencyKeys.IsReserved"/>), checked once, by <see cref="From"/>. The keys the ledger
/// derives from it (a transfer's sides) and the payout keys are built in <see cref="IdempotencyKeys"/>.
/// </summary>
public sealed record IdempotencyKey
{
    private static readonly SearchValues<char> KeyCharacters =
        SearchValues.Create("!\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~");

    private IdempotencyKey(string value) => Value = value;

    public string Value { get; }

    /// <summary>The key, or a <see cref="LedgerValidationException"/> on field <c>idempotencyKey</c>.</summary>
    public static IdempotencyKey From(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length is 0 or > LedgerLimits.IdempotencyKeyLengthMax)
        {
            throw new LedgerValidationException("idempotencyKey",
                $"The idempotency key must be 1 to {LedgerLimits.IdempotencyKeyLengthMax} characters.");
        }

        if (key.AsSpan().ContainsAnyExcept(KeyCharacters))
        {
            throw new LedgerValidationException("idempotencyKey",
                "The idempotency key may hold visible ASCII characters only (no spaces or control characters).");
        }

        return IdempotencyKeys.IsReserved(key)
            ? throw new LedgerValidationException("idempotencyKey",
                "The idempotency key has a form the ledger reserves for the keys it derives: it may not "
                + IdempotencyKeys.ReservedForms + ".")
            : new IdempotencyKey(key);
    }

    /// <summary>An optional key: null stays null (the operation is not idempotent), anything else as <see cref="From"/>.</summary>
    public static IdempotencyKey? Parse(string? key) => key is null ? null : From(key);

    public override string ToString() => Value;
}
