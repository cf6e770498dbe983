namespace FuncLedger.Core.Persistence;

/// <summary>A player's wallet: the cached balance of its entries, and whether it may go below zero.</summary>
internal sealed class Wallet
{
    public long Id { get; set; }

    /// <summary>The tournament system's profile id; positive and unique.</summary>
    public long OwnerId { get; set; }

    /// <summary>Always equal to the sum of the wallet's entries (checked by reconciliation).</summary>
    public long CachedBalance { get; set; }

    public bool AllowOverdraft { get; set; }

    /// <summary>The lowest balance the wallet may hold without overdraft: 0, or the (negative) balance it held when overdraft
    /// was withdrawn, so a withdrawal never fails; below it the database refuses the row (the pair of the debit path's rule,
    /// which asks every debit without overdraft to end at 0 or above).</summary>
    public long OverdraftFloor { get; set; }

    /// <summary>A frozen wallet lets no coins out but through an operator's adjustment; credits, payouts and voids still land.</summary>
    public bool Frozen { get; set; }

    /// <summary>The coins of the wallet's pending holds, kept under the wallet's lock (an expired hold stays counted here until
    /// the expiry timer releases it; the available balance never counts it). Checked by reconciliation.</summary>
    public long Held { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }
}
