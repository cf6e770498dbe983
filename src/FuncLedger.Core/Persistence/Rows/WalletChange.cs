using FuncLedger.Core.Domain;

namespace FuncLedger.Core.Persistence;

/// <summary>One administrative change of a wallet (freeze, unfreeze, overdraft on or off): what, when, and which key or
/// operator made it (a key's id, never the key).</summary>
internal sealed class WalletChange
{
    public long Id { get; set; }

    public long WalletId { get; set; }

    /// <summary>One of <see cref="WalletChanges"/>.</summary>
    public string Change { get; set; } = "";

    public string Actor { get; set; } = "";

    /// <summary>Why, in the operator's words (required for an adjustment, optional for the others).</summary>
    public string? Reason { get; set; }

    /// <summary>An adjustment's entry.</summary>
    public long? EntryId { get; set; }

    public DateTime CreatedAt { get; set; }
}
