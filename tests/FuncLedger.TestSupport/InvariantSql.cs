namespace FuncLedger.TestSupport;

/// <summary>The ledger's invariants as counts of what breaks them, written once for the core tests and the reliability
/// harness (each is 0 on a sound ledger).</summary>
public static class InvariantSql
{
    /// <summary>Wallets whose cached balance differs from the sum of their entries.</summary>
    public const string DriftedWallets =
        "SELECT COUNT(*) FROM wallets w WHERE w.cached_balance <> (SELECT COALESCE(SUM(e.amount), 0) FROM ledger_entries e WHERE e.wallet_id = w.id)";

    /// <summary>Wallets whose cached held coins differ from the sum of their pending holds.</summary>
    public const string HeldDrift =
        "SELECT COUNT(*) FROM wallets w WHERE w.held <> (SELECT COALESCE(SUM(h.amount), 0) FROM ledger_holds h WHERE h.wallet_id = w.id AND h.status = 0)";

    /// <summary>Entries whose reversals add up to more than their amount.</summary>
    public const string ReversedBeyondOriginal =
        "SELECT COUNT(*) FROM (SELECT original_entry_id, SUM(amount) AS total FROM ledger_reversals GROUP BY original_entry_id) r "
        + "JOIN ledger_entries e ON e.id = r.original_entry_id WHERE r.total > ABS(e.amount)";
}
