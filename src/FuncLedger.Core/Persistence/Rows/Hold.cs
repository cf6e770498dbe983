using FuncLedger.Core.Domain;

namespace FuncLedger.Core.Persistence;

/// <summary>
/// Coins reserved on a wallet (two-phase: a checkout reserves, then captures or voids). A hold writes no entry: it lowers the
/// available balance until it is captured (the captured part becomes a debit or a transfer), voided, or expires.
/// </summary>
internal sealed class Hold
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
