using FuncLedger.Core.Domain;

namespace FuncLedger.Core.Persistence;

/// <summary>One immutable movement of coins: written once, never updated or deleted (the database refuses it too).</summary>
internal sealed class LedgerEntry
{
    public long Id { get; set; }

    public long WalletId { get; set; }

    /// <summary>Positive for credits, negative for debits, never zero.</summary>
    public long Amount { get; set; }

    /// <summary>The wallet's balance right after this entry.</summary>
    public long BalanceAfter { get; set; }

    public string Reason { get; set; } = "";

    /// <summary>Unique where present; transfers store <c>{key}_debit</c> and <c>{key}_credit</c>.</summary>
    public string? IdempotencyKey { get; set; }

    /// <summary>SHA-256 of the request that wrote this entry, present when it has a key.</summary>
    public string? RequestFingerprint { get; set; }

    /// <summary>A small JSON object (minified), at most <see cref="LedgerLimits.MetaBytesMax"/> bytes.</summary>
    public string? Meta { get; set; }

    /// <summary>What wrote the entry (<see cref="EntrySource.Unrecorded"/> for entries older than the column).</summary>
    public EntrySource Source { get; set; }

    public DateTime CreatedAt { get; set; }
}
