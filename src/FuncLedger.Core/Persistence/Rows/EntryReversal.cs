namespace FuncLedger.Core.Persistence;

/// <summary>The link of a reversal entry to the entry it reverses (the original is never edited): how many coins it
/// moved back. The reversed coins of an entry never exceed its amount.</summary>
internal sealed class EntryReversal
{
    /// <summary>The compensating entry.</summary>
    public long EntryId { get; set; }

    /// <summary>The entry it reverses.</summary>
    public long OriginalEntryId { get; set; }

    /// <summary>Coins moved back, positive.</summary>
    public long Amount { get; set; }
}
