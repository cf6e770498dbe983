namespace FuncLedger.Core.Domain;

/// <summary>Where a hold stands. Only a pending hold counts against the available balance (until it expires).</summary>
public enum HoldStatus
{
    Pending = 0,
    Captured = 1,
    Voided = 2,
    Expired = 3,
}

/// <summary>
/// Coins reserved on a wallet (two-phase: a checkout reserves, then captures or voids). A hold writes no entry: it lowers the
/// available balance until it is captured (the captured part becomes a debit or a transfer), voided, or expires.
/// </summary>
public sealed class Hold
{
    public long Id { get; set; }

    public long WalletId { get; set; }

    /// <summary>The coins reserved, 1..<see cref="LedgerLimits.AmountMax"/>.</summary>
    public long Amount { get; set; }

    public HoldStatus Status { get; set; }

    /// <summary>The coins captured (0 unless captured); the rest of <see cref="Amount"/> was released.</summary>
    public long Captured { get; set; }

    /// <summary>The debit entry of the capture, when captured.</summary>
    public long? CaptureEntryId { get; set; }

    public string Reason { get; set; } = "";

    public string? Meta { get; set; }

    /// <summary>The key of the capture or void that closed the hold (the client's, or one the ledger made), and that request's
    /// fingerprint: a retry under it replays, a request under another key finds the hold no longer pending.</summary>
    public string? ClosedKey { get; set; }

    public string? ClosedFingerprint { get; set; }

    /// <summary>The client's key: a hold is always keyed.</summary>
    public string IdempotencyKey { get; set; } = "";

    public string RequestFingerprint { get; set; } = "";

    public DateTime ExpiresAt { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }
}

/// <summary>The link of a reversal entry to the entry it reverses (the original is never edited): how many coins it
/// moved back. The reversed coins of an entry never exceed its amount.</summary>
public sealed class EntryReversal
{
    /// <summary>The compensating entry.</summary>
    public long EntryId { get; set; }

    /// <summary>The entry it reverses.</summary>
    public long OriginalEntryId { get; set; }

    /// <summary>Coins moved back, positive.</summary>
    public long Amount { get; set; }
}

/// <summary>One administrative change of a wallet (freeze, unfreeze, overdraft on or off): what, when, and which key or
/// operator made it (a key's id, never the key).</summary>
public sealed class WalletChange
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

/// <summary>The kinds of <see cref="WalletChange"/>.</summary>
public static class WalletChanges
{
    public const string Freeze = "freeze";
    public const string Unfreeze = "unfreeze";
    public const string OverdraftOn = "overdraft_on";
    public const string OverdraftOff = "overdraft_off";
    public const string Adjustment = "adjustment";

    /// <summary>Actors are short labels (<c>key:3f2a…</c>, <c>cli:alice</c>).</summary>
    public const int ActorLengthMax = 64;
}
