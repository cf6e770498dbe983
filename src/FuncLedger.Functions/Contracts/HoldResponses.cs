using FuncLedger.Core.Domain;
using FuncLedger.Core.Operations;

namespace FuncLedger.Functions.Contracts;

/// <summary>A hold and its wallet's coins: <c>status</c> is pending, captured, voided or expired.
/// A captured hold names its capture's entries: <c>transactionId</c> (the debit) and <c>creditTransactionId</c> (the credit of a
/// capture to another owner).</summary>
public sealed record HoldResponse(
    long HoldId, long OwnerId, long Amount, string Status, DateTime ExpiresAt, long Balance, long Held, long Available,
    long Captured, long Released, long? TransactionId, string? IdempotencyKey = null, long? CreditTransactionId = null)
{
    public static HoldResponse From(HoldResult r, string? key = null) =>
        new(r.HoldId, r.OwnerId, r.Amount, Name(r.Status), r.ExpiresAt, r.Balance, r.Held, r.Available, r.Captured, r.Released,
            r.TransactionId, key, r.CreditTransactionId);

    public static string Name(HoldStatus status) => status switch
    {
        HoldStatus.Pending => "pending",
        HoldStatus.Captured => "captured",
        HoldStatus.Voided => "voided",
        _ => "expired",
    };
}

/// <summary>A capture: the debit entry (<c>transactionId</c>) and the balance after it; the credit entry of a capture to
/// another owner.</summary>
public sealed record CaptureResponse(
    long HoldId, string Status, long Captured, long Released, long TransactionId, long BalanceAfter, long? ToOwnerId,
    long? CreditTransactionId)
{
    public static CaptureResponse From(CaptureResult r) =>
        new(r.HoldId, "captured", r.Captured, r.Released, r.TransactionId, r.BalanceAfter, r.ToOwnerId, r.CreditTransactionId);
}

/// <summary>A voided hold: the coins released.</summary>
public sealed record VoidResponse(long HoldId, string Status, long Released, long Balance, long Held, long Available);

/// <summary>A reversal: its first entry's id, the transaction reversed (the posting, when one was reversed whole), the coins
/// moved back and every compensating entry.</summary>
public sealed record ReversalResponse(
    long ReversalId, long TransactionId, long Amount, IReadOnlyList<ReversalLegResponse> Legs, string? IdempotencyKey,
    long? PostingId = null)
{
    public static ReversalResponse From(ReversalResult r) =>
        new(r.ReversalId, r.TransactionId, r.Amount,
            [.. r.Legs.Select(l => new ReversalLegResponse(l.OwnerId, l.TransactionId, l.Amount, l.BalanceAfter, l.Reverses))],
            r.IdempotencyKey, r.PostingId);
}

/// <summary>One compensating entry and the entry it reverses.</summary>
public sealed record ReversalLegResponse(long OwnerId, long TransactionId, long Amount, long BalanceAfter, long Reverses);

/// <summary>A wallet's administrative state after a change; <c>changed</c> is false when it already was so.</summary>
public sealed record WalletAdminResponse(long OwnerId, long WalletId, bool Frozen, bool AllowOverdraft, bool Changed)
{
    public static WalletAdminResponse From(WalletAdminResult r) => new(r.OwnerId, r.WalletId, r.Frozen, r.AllowOverdraft, r.Changed);
}

/// <summary>An operator's adjustment: its entry and the wallet's balance after it.</summary>
public sealed record AdjustmentResponse(long OwnerId, long TransactionId, long Amount, long BalanceAfter, string? IdempotencyKey)
{
    public static AdjustmentResponse From(AdjustmentResult r) =>
        new(r.OwnerId, r.TransactionId, r.Amount, r.BalanceAfter, r.IdempotencyKey);
}
