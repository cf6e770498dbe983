namespace FuncLedger.Core.Domain;

/// <summary>
/// What wrote a ledger entry, recorded on the entry itself (<c>ledger_entries.source</c>) so history, reports and audits tell
/// a payout from a purchase without parsing reasons or keys. The numbers are stored: never renumber one. Entries written before
/// the column existed (before 2.1.0) read <see cref="Unrecorded"/>.
/// </summary>
public enum EntrySource : short
{
    Unrecorded = 0,
    Credit = 1,
    Debit = 2,
    Transfer = 3,
    Posting = 4,
    HoldCapture = 6,
    Reversal = 7,
    Adjustment = 10,
    Purchase = 11,
    Refund = 12,
    Award = 16,
    Promo = 17,
}

/// <summary>The wire names of <see cref="EntrySource"/> (snake case, stable: clients switch on them).</summary>
public static class EntrySources
{
    public static string Name(EntrySource source) => source switch
    {
        EntrySource.Credit => "credit",
        EntrySource.Debit => "debit",
        EntrySource.Transfer => "transfer",
        EntrySource.Posting => "posting",
        EntrySource.HoldCapture => "hold_capture",
        EntrySource.Reversal => "reversal",
        EntrySource.Adjustment => "adjustment",
        EntrySource.Purchase => "purchase",
        EntrySource.Refund => "refund",
        EntrySource.Award => "award",
        EntrySource.Promo => "promo",
        _ => "unrecorded",
    };

    /// <summary>Every wire name, in the enum's order (the OpenAPI enum lists them).</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Enum.GetValues<EntrySource>().Select(Name)];
}
