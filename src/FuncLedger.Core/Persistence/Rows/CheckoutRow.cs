using FuncLedger.Core.Domain;

namespace FuncLedger.Core.Persistence;

/// <summary>A checkout (a cart paid in two phases): one hold for the total and the lines' stock reserved while pending; closed
/// once, under <see cref="ClosedKey"/> (the confirm's or cancel's key: the client's, or one made for the call).</summary>
internal sealed class CheckoutRow
{
    public long Id { get; set; }

    public long OwnerId { get; set; }

    public long WalletId { get; set; }

    public long HoldId { get; set; }

    public long Total { get; set; }

    public CheckoutStatus Status { get; set; }

    public DateTime ExpiresAt { get; set; }

    /// <summary>The client's key of the checkout (always keyed).</summary>
    public string IdempotencyKey { get; set; } = "";

    public string RequestFingerprint { get; set; } = "";

    public string? ClosedKey { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }
}
