using System.Text.Json;
using System.Text.Json.Serialization;
using FuncLedger.Core.Reconciliation;

namespace FuncLedger.Cli;

/// <summary>The <c>--json</c> report: wallet IDs only.</summary>
public sealed record CliReport(
    bool DryRun,
    long WalletsChecked,
    long DriftCount,
    long CorrectionsApplied,
    long BalancesTotal,
    long EntriesTotal,
    bool TotalsMatch,
    double DurationMs,
    IReadOnlyList<CliDrift> Drifts)
{
    public static CliReport From(ReconciliationReport r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new(!r.Fix, r.WalletsChecked, r.DriftCount, r.CorrectionsApplied, r.BalancesTotal, r.EntriesTotal, r.TotalsMatch,
            r.Duration.TotalMilliseconds, [.. r.Drifts.Select(d => new CliDrift(d.WalletId, d.CachedBalance, d.LedgerBalance, d.Delta))]);
    }
}

public sealed record CliDrift(long WalletId, long CachedBalance, long LedgerBalance, long Delta);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(CliReport))]
internal sealed partial class CliJson : JsonSerializerContext;
