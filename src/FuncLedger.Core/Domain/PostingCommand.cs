namespace FuncLedger.Core.Domain;

/// <summary>One leg of a posting: a signed number of coins on one owner's wallet (positive credits, negative debits).</summary>
public sealed record PostingLeg
{
    public PostingLeg(OwnerId owner, long amount)
    {
        Owner = owner;
        // Coins checks the size (1..AmountMax); long.MinValue has no positive counterpart and is out of range anyway.
        Amount = amount switch
        {
            0 => throw new InvalidAmountException("A leg moves coins: its amount is a non-zero whole number."),
            long.MinValue => throw new InvalidAmountException($"A leg's amount must not exceed {LedgerLimits.AmountMax} coins."),
            _ => Coins.From(Math.Abs(amount)).Value * Math.Sign(amount),
        };
    }

    public OwnerId Owner { get; }

    /// <summary>Signed coins, 1..<see cref="LedgerLimits.AmountMax"/> in size.</summary>
    public long Amount { get; }
}

/// <summary>
/// A multi-leg posting: 2 to <see cref="LedgerLimits.PostingLegsMax"/> legs on different owners whose amounts sum to
/// zero, applied together or not at all (a prize pool paid out, an entry fee split). Debited wallets must exist; credited
/// ones are created on first use. Each leg's entry carries <c>{key}_leg_{n}</c>.
/// </summary>
public sealed record PostingCommand
{
    public PostingCommand(IReadOnlyList<PostingLeg> legs, string reason, IdempotencyKey? key = null, string? meta = null)
    {
        ArgumentNullException.ThrowIfNull(legs);
        if (legs.Count is < 2 or > LedgerLimits.PostingLegsMax)
        {
            throw new LedgerValidationException("legs", $"A posting has 2 to {LedgerLimits.PostingLegsMax} legs.");
        }

        var owners = new HashSet<long>();
        long sum = 0;
        foreach (var leg in legs)
        {
            ArgumentNullException.ThrowIfNull(leg);
            if (!owners.Add(leg.Owner.Value))
            {
                throw new LedgerValidationException("legs", $"Owner {leg.Owner} appears in more than one leg; each owner appears once.");
            }

            // At most 1,000 legs of at most 10^12 coins: the sum cannot overflow a long.
            sum += leg.Amount;
        }

        if (sum != 0)
        {
            throw new UnbalancedPostingException(sum);
        }

        Legs = [.. legs];
        Reason = LedgerInput.Reason(reason);
        Key = key;
        Meta = LedgerInput.Meta(meta);
    }

    public IReadOnlyList<PostingLeg> Legs { get; }

    public string Reason { get; }

    public IdempotencyKey? Key { get; }

    public string? Meta { get; }
}
