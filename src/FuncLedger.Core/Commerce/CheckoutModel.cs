using System.Globalization;
using System.Text;
using FuncLedger.Core.Domain;

namespace FuncLedger.Core.Commerce;

/// <summary>One line of a checkout: units of an item at the price the buyer saw.</summary>
public sealed record CheckoutLine(Sku Sku, int Quantity, Coins ExpectedPrice);

/// <summary>A checkout (a cart paid in two phases): one hold for the total and the stock reserved until it is confirmed,
/// cancelled or expires; always keyed.</summary>
public sealed record CheckoutCommand(OwnerId Owner, IReadOnlyList<CheckoutLine> Lines, DateTimeOffset? ExpiresAt, IdempotencyKey Key)
{
    /// <summary>The command, or a <see cref="LedgerValidationException"/> for no lines, too many, a sku twice or a quantity out
    /// of bounds, or an <see cref="InvalidAmountException"/> for a total above the ledger's bound.</summary>
    public static CheckoutCommand Create(OwnerId owner, IReadOnlyList<CheckoutLine> lines, DateTimeOffset? expiresAt, IdempotencyKey key)
    {
        ArgumentNullException.ThrowIfNull(lines);
        if (lines.Count is 0 or > ShopLimits.CheckoutLinesMax)
        {
            throw new LedgerValidationException("items", $"A checkout holds 1 to {ShopLimits.CheckoutLinesMax} items.");
        }

        if (lines.Select(l => l.Sku).Distinct().Count() != lines.Count)
        {
            throw new LedgerValidationException("items", "A checkout names each sku once.");
        }

        if (lines.Any(l => l.Quantity is < 1 or > ShopLimits.QuantityMax))
        {
            throw new LedgerValidationException("items", $"A line buys 1 to {ShopLimits.QuantityMax} units.");
        }

        var command = new CheckoutCommand(owner, lines, expiresAt, key);
        _ = command.Total;
        return command;
    }

    /// <summary>The coins the checkout holds (and a confirm debits).</summary>
    public long Total => Coins.From(Lines.Aggregate(0L, (sum, l) => checked(sum + (l.ExpectedPrice.Value * l.Quantity)))).Value;

    /// <summary>The lines as the fingerprint reads them.</summary>
    internal string LinesText()
    {
        var text = new StringBuilder();
        foreach (var line in Lines)
        {
            text.Append(CultureInfo.InvariantCulture, $"{line.Sku.Value}:{line.Quantity}:{line.ExpectedPrice.Value};");
        }

        return text.ToString();
    }
}

/// <summary>A checkout line as it stands: its purchase once confirmed.</summary>
public sealed record CheckoutLineResult(int Line, string Sku, int Quantity, long Price, long? PurchaseId);

/// <summary>A checkout as it stands; <see cref="Purchases"/> are the lines bought (a completed checkout's).</summary>
public sealed record CheckoutResult(
    long CheckoutId, long OwnerId, long HoldId, long Total, CheckoutStatus Status, DateTimeOffset ExpiresAt,
    IReadOnlyList<CheckoutLineResult> Lines, IReadOnlyList<PurchaseResult> Purchases)
{
    public bool Replayed { get; init; }
}
