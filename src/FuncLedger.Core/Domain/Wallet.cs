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

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }
}
