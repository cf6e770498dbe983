using FuncLedger.Core.Domain;

namespace FuncLedger.Core.Persistence;

/// <summary>
/// One client key, whatever the operation it named: a credit, debit, transfer, posting, hold, capture, void, reversal or
/// adjustment writes its key here in the same transaction as its own records. The primary key is the arbiter: two requests
/// of any two kinds under one key commit one row, and the other request finds it and is refused (another request) or
/// replayed (the same). Keys the ledger derives or makes for itself are never registered: a client's key never has their form.
/// </summary>
internal sealed class ClientKey
{
    public required string IdempotencyKey { get; set; }

    public LedgerOperation Operation { get; set; }

    /// <summary>The request's fingerprint (<see cref="RequestFingerprint"/>: the operation is part of it).</summary>
    public required string RequestFingerprint { get; set; }

    public DateTime CreatedAt { get; set; }
}
