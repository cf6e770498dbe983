namespace FuncLedger.Core.Persistence;

/// <summary>
/// A keyed request the ledger refused for insufficient funds, kept so a retry under the same key gets the same answer
/// (the IETF Idempotency-Key draft's and Stripe's rule): the key and fingerprint of the refused posting, the wallet, the
/// balance it held and the delta that was asked. It changes no balance and is never an entry.
/// </summary>
internal sealed class KeyedRefusal
{
    public long Id { get; set; }

    public required string IdempotencyKey { get; set; }

    public required string RequestFingerprint { get; set; }

    public long WalletId { get; set; }

    /// <summary>The wallet's balance when the request was refused.</summary>
    public long Balance { get; set; }

    /// <summary>The refused posting's delta (negative: a debit).</summary>
    public long Amount { get; set; }

    public DateTime CreatedAt { get; set; }
}
