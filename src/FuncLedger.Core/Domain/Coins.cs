using System.Globalization;

namespace FuncLedger.Core.Domain;

/// <summary>
/// The amount one credit, debit, transfer or award moves: a whole number of coins in 1..<see cref="LedgerLimits.AmountMax"/>,
/// checked once, by <see cref="From"/>. Balances are plain <see cref="long"/>s (they may be negative with overdraft);
/// arithmetic on them is checked. <c>default(Coins)</c> is not an amount and the database refuses it (amount &lt;&gt; 0).
/// </summary>
public readonly record struct Coins
{
    private Coins(long value) => Value = value;

    /// <summary>The number of coins, 1..<see cref="LedgerLimits.AmountMax"/>.</summary>
    public long Value { get; }

    /// <summary>The amount, or <see cref="InvalidAmountException"/> when it is not in 1..<see cref="LedgerLimits.AmountMax"/>.</summary>
    public static Coins From(long amount) => amount switch
    {
        <= 0 => throw new InvalidAmountException("The amount must be a positive whole number of coins."),
        > LedgerLimits.AmountMax => throw new InvalidAmountException($"The amount must not exceed {LedgerLimits.AmountMax} coins."),
        _ => new Coins(amount),
    };

    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);
}
