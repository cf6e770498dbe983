namespace FuncLedger.Core.Domain;

/// <summary>
/// What a credit or a debit asks for. Built only from checked values: the owner and amount are typed, and the reason and
/// meta are checked here, once (<see cref="LedgerInput"/>); meta is kept minified.
/// </summary>
/// <param name="Owner">Whose wallet.</param>
/// <param name="Amount">How many coins.</param>
/// <param name="Reason">Why; 1..<see cref="LedgerLimits.ReasonLengthMax"/> characters.</param>
/// <param name="Key">Makes the operation idempotent; null for a manual adjustment.</param>
/// <param name="Meta">An optional JSON object of at most <see cref="LedgerLimits.MetaBytesMax"/> bytes.</param>
public abstract record WalletCommand(OwnerId Owner, Coins Amount, string Reason, IdempotencyKey? Key, string? Meta)
{
    /// <summary>The checked reason.</summary>
    public string Reason { get; } = LedgerInput.Reason(Reason);

    /// <summary>The checked, minified meta.</summary>
    public string? Meta { get; } = LedgerInput.Meta(Meta);
}

/// <summary>Adds coins to the owner's wallet, creating it on first use.</summary>
public sealed record CreditCommand(OwnerId Owner, Coins Amount, string Reason, IdempotencyKey? Key = null, string? Meta = null)
    : WalletCommand(Owner, Amount, Reason, Key, Meta);

/// <summary>Removes coins from the owner's wallet (stored as a negative entry); the wallet must exist.</summary>
public sealed record DebitCommand(OwnerId Owner, Coins Amount, string Reason, IdempotencyKey? Key = null, string? Meta = null)
    : WalletCommand(Owner, Amount, Reason, Key, Meta);

/// <summary>Moves coins between two different owners' wallets; the source must exist, the destination is created on first use.</summary>
public sealed record TransferCommand
{
    public TransferCommand(OwnerId from, OwnerId to, Coins amount, string reason, IdempotencyKey? key = null, string? meta = null)
    {
        (From, To, Amount, Key) = (from, to, amount, key);
        Reason = LedgerInput.Reason(reason);
        Meta = LedgerInput.Meta(meta);
        if (from == to)
        {
            throw new InvalidWalletException(InvalidWalletReason.SelfTransfer, "A transfer needs two different wallets.");
        }
    }

    public OwnerId From { get; }

    public OwnerId To { get; }

    public Coins Amount { get; }

    public string Reason { get; }

    /// <summary>The client's key; the entries carry <c>{key}_debit</c> and <c>{key}_credit</c>.</summary>
    public IdempotencyKey? Key { get; }

    public string? Meta { get; }
}

/// <summary>
/// An operator's adjustment: <see cref="Amount"/> signed coins on the owner's wallet (positive credits, negative debits), with a
/// reason, recorded with its <see cref="Actor"/> (a key's id or an operator's name, never a key). It is the one movement that
/// takes coins out of a frozen wallet; a debit still needs the coins (or overdraft). Credited wallets are created on first use.
/// </summary>
public sealed record AdjustmentCommand
{
    public AdjustmentCommand(OwnerId owner, long amount, string reason, string actor, IdempotencyKey? key = null)
    {
        var leg = new PostingLeg(owner, amount);
        if (string.IsNullOrWhiteSpace(actor) || actor.Length > WalletChanges.ActorLengthMax)
        {
            throw new LedgerValidationException("actor", $"An actor is 1 to {WalletChanges.ActorLengthMax} characters.");
        }

        (Owner, Amount, Reason, Actor, Key) = (owner, leg.Amount, LedgerInput.Reason(reason), actor, key);
    }

    public OwnerId Owner { get; }

    /// <summary>Signed coins, 1..<see cref="LedgerLimits.AmountMax"/> in size.</summary>
    public long Amount { get; }

    public string Reason { get; }

    public string Actor { get; }

    public IdempotencyKey? Key { get; }
}

/// <summary>An adjustment's entry (or, on a replay, the original one) and the wallet's balance right after it.</summary>
public sealed record AdjustmentResult(
    long OwnerId, long WalletId, long TransactionId, long Amount, long BalanceAfter, string? IdempotencyKey, bool Replayed = false);
