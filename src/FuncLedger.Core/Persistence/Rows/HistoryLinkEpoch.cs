namespace FuncLedger.Core.Persistence;

/// <summary>
/// One owner's history-link epoch: every link carries the epoch it was issued under, and revoking an owner's links moves the
/// epoch on, so each link issued before stops working at once (a link is otherwise valid until it expires). Owners never
/// revoked have no row: epoch 0.
/// </summary>
internal sealed class HistoryLinkEpoch
{
    public long OwnerId { get; set; }

    public int Epoch { get; set; }

    public DateTime RevokedAt { get; set; }

    /// <summary>Who revoked (a key's id or an operator's name, never a key).</summary>
    public string RevokedBy { get; set; } = "";
}
