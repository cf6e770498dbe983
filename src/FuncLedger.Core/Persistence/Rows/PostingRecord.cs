namespace FuncLedger.Core.Persistence;

/// <summary>A multi-leg posting as one record: the stem its legs' keys carry (<c>{stem}_leg_{n}</c>; a client's key or an
/// internal one), how many legs, when. Its id is the posting's id, and reversing it reverses every leg at once.</summary>
internal sealed class PostingRecord
{
    public long Id { get; set; }

    public required string KeyStem { get; set; }

    public int Legs { get; set; }

    public DateTime CreatedAt { get; set; }
}
