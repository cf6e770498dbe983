using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace FuncLedger.Core.Domain;

/// <summary>The operation a fingerprint belongs to; part of the fingerprint, so one key cannot serve two operations.</summary>
public enum LedgerOperation
{
    Credit = 1,
    Debit = 2,
    Transfer = 3,
    Posting = 4,
    Hold = 5,
    Capture = 6,
    Reversal = 7,
    Void = 8,
    PostingReversal = 9,
    Adjustment = 10,
    Purchase = 11,
    Refund = 12,
    Checkout = 13,
    CheckoutConfirm = 14,
    CheckoutCancel = 15,
    PromoRedeem = 16,
    PromoRevoke = 17,
    Consume = 18,
}

/// <summary>
/// A request's identity for idempotency: SHA-256 over the operation, owners, amount, reason and
/// (minified) meta, each field length-prefixed so no two requests share an encoding. Stored with
/// every keyed entry; a replay with a different fingerprint is an IdempotencyConflict.
/// </summary>
public static class RequestFingerprint
{
    public static string Compute(LedgerOperation operation, long fromOwnerId, long toOwnerId, long amount, string reason, string? meta)
    {
        var text = new StringBuilder(64 + reason.Length + (meta?.Length ?? 0));
        text.Append(CultureInfo.InvariantCulture, $"v1|{(int)operation}|{fromOwnerId}|{toOwnerId}|{amount}|");
        Append(text, reason);
        Append(text, meta);
        return Hash(text);
    }

    /// <summary>A multi-leg posting's fingerprint: every leg (owner and signed amount, in order), the reason and meta. Each
    /// leg's entry carries it, so a retry with any leg changed is a conflict.</summary>
    public static string ComputePosting(IReadOnlyList<(long OwnerId, long Amount)> legs, string reason, string? meta)
    {
        ArgumentNullException.ThrowIfNull(legs);
        var text = new StringBuilder(32 + (legs.Count * 24) + reason.Length + (meta?.Length ?? 0));
        text.Append(CultureInfo.InvariantCulture, $"v1|{(int)LedgerOperation.Posting}|{legs.Count}|");
        foreach (var (owner, amount) in legs)
        {
            text.Append(CultureInfo.InvariantCulture, $"{owner}:{amount}|");
        }

        Append(text, reason);
        Append(text, meta);
        return Hash(text);
    }

    private static string Hash(StringBuilder text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));

    private static void Append(StringBuilder text, string? value) =>
        text.Append(CultureInfo.InvariantCulture, $"{value?.Length ?? -1}:{value}|");
}
