using FuncLedger.Core.Domain;

namespace FuncLedger.Core.Persistence;

/// <summary>A stored reconciliation run (the reconciliation's <c>ReconciliationRun</c>, as a row).</summary>
internal sealed class ReconciliationRunRow
{
    public long Id { get; set; }

    public DateTime StartedAt { get; set; }

    public DateTime FinishedAt { get; set; }

    public string Trigger { get; set; } = "";

    public bool Fix { get; set; }

    public long WalletsChecked { get; set; }

    public long DriftCount { get; set; }

    public long CorrectionsApplied { get; set; }

    public long BalancesTotal { get; set; }

    public long EntriesTotal { get; set; }

    /// <summary>Comma-separated drifted wallet IDs, the first <see cref="ReconciliationLimits.RecordedWalletIdsMax"/>.</summary>
    public string DriftedWalletIds { get; set; } = "";
}
