namespace FuncLedger.Core.Domain;

/// <summary>A player's wallet: the cached balance of its entries, and whether it may go below zero.</summary>
public sealed class Wallet
{
    public long Id { get; set; }

    /// <summary>The tournament system's profile id; positive and unique.</summary>
    public long OwnerId { get; set; }

    /// <summary>Always equal to the sum of the wallet's entries (checked by reconciliation).</summary>
    public long CachedBalance { get; set; }

    public bool AllowOverdraft { get; set; }

    /// <summary>A frozen wallet refuses debits, holds and transfers out; credits, payouts and reversals still land.</summary>
    public bool Frozen { get; set; }

    /// <summary>The coins of the wallet's pending holds, kept under the wallet's lock (an expired hold stays counted here until
    /// the expiry timer releases it; the available balance never counts it). Checked by reconciliation.</summary>
    public long Held { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }
}
