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
            r.Duration.TotalMilliseconds,
            [.. r.Drifts.Select(d => new CliDrift(d.WalletId, d.CachedBalance, d.LedgerBalance, d.Delta, d.CachedHeld, d.PendingHeld))]);
    }
}

public sealed record CliDrift(long WalletId, long CachedBalance, long LedgerBalance, long Delta, long CachedHeld, long PendingHeld);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(CliReport))]
[JsonSerializable(typeof(CliStatus))]
[JsonSerializable(typeof(CliMigration))]
[JsonSerializable(typeof(CliRejection[]))]
[JsonSerializable(typeof(CliRun[]))]
[JsonSerializable(typeof(CliLink))]
[JsonSerializable(typeof(FuncLedger.Functions.Queue.PoisonListing))]
[JsonSerializable(typeof(FuncLedger.Functions.Queue.RequeueResult))]
[JsonSerializable(typeof(FuncLedger.Core.Operations.WalletAdminResult))]
[JsonSerializable(typeof(FuncLedger.Core.Operations.WalletChangeRecord[]))]
internal sealed partial class CliJson : JsonSerializerContext;

/// <summary><c>funcledger status --json</c>. Counts are null on a database that is not migrated.</summary>
internal sealed record CliStatus(string Provider, IReadOnlyList<string> PendingMigrations, long? Wallets, long? Entries);

/// <summary><c>funcledger migrate --json</c>: the migrations this run applied (none when up to date).</summary>
internal sealed record CliMigration(string Provider, IReadOnlyList<string> Applied);
