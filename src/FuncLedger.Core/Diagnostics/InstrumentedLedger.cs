using System.Diagnostics;
using FuncLedger.Core.Domain;
using FuncLedger.Core.Operations;
using FuncLedger.Core.Payouts;

namespace FuncLedger.Core.Diagnostics;

/// <summary>
/// The ledger as the hosts see it: every write gets a span (<c>ledger {operation}</c>, the database's spans under it) and
/// its counts and duration in <see cref="LedgerTelemetry"/>. Reads are not counted. Tags carry no owner, wallet or key.
/// </summary>
internal sealed class InstrumentedLedger(Ledger inner) : ILedger
{
    public Task<CreditResult> CreditAsync(CreditCommand command, CancellationToken cancellationToken = default) =>
        RunAsync("credit", () => inner.CreditAsync(command, cancellationToken), r => r.Replayed);

    public Task<CreditResult> DebitAsync(DebitCommand command, CancellationToken cancellationToken = default) =>
        RunAsync("debit", () => inner.DebitAsync(command, cancellationToken), r => r.Replayed);

    public Task<TransferResult> TransferAsync(TransferCommand command, CancellationToken cancellationToken = default) =>
        RunAsync("transfer", () => inner.TransferAsync(command, cancellationToken), r => r.Replayed);

    public Task<PostingResult> PostAsync(PostingCommand command, CancellationToken cancellationToken = default) =>
        RunAsync("posting", () => inner.PostAsync(command, cancellationToken), r => r.Replayed);

    public Task<IReadOnlyList<CreditResult>> AwardAsync(IReadOnlyList<Award> awards, CancellationToken cancellationToken = default) =>
        RunAsync("award_batch", () => inner.AwardAsync(awards, cancellationToken), r => r.Count > 0 && r.All(a => a.Replayed));

    public Task<HoldResult> PlaceHoldAsync(HoldCommand command, CancellationToken cancellationToken = default) =>
        RunAsync("hold", () => inner.PlaceHoldAsync(command, cancellationToken), r => r.Replayed);

    public Task<CaptureResult> CaptureHoldAsync(CaptureCommand command, CancellationToken cancellationToken = default) =>
        RunAsync("capture", () => inner.CaptureHoldAsync(command, cancellationToken), r => r.Replayed);

    public Task<HoldResult> VoidHoldAsync(VoidCommand command, CancellationToken cancellationToken = default) =>
        RunAsync("void", () => inner.VoidHoldAsync(command, cancellationToken), r => r.Replayed);

    public Task<int> ReleaseExpiredHoldsAsync(CancellationToken cancellationToken = default) =>
        RunAsync("release_expired", () => inner.ReleaseExpiredHoldsAsync(cancellationToken), _ => false);

    public Task<ReversalResult> ReverseAsync(ReverseCommand command, CancellationToken cancellationToken = default) =>
        RunAsync("reversal", () => inner.ReverseAsync(command, cancellationToken), r => r.Replayed);

    public Task<ReversalResult> ReversePostingAsync(ReversePostingCommand command, CancellationToken cancellationToken = default) =>
        RunAsync("posting_reversal", () => inner.ReversePostingAsync(command, cancellationToken), r => r.Replayed);

    public Task<AdjustmentResult> AdjustAsync(AdjustmentCommand command, CancellationToken cancellationToken = default) =>
        RunAsync("adjustment", () => inner.AdjustAsync(command, cancellationToken), r => r.Replayed);

    public Task<long> GetBalanceAsync(OwnerId owner, CancellationToken cancellationToken = default) =>
        inner.GetBalanceAsync(owner, cancellationToken);

    public Task<long> GetBalanceAsync(OwnerId owner, DateTimeOffset asOf, CancellationToken cancellationToken = default) =>
        inner.GetBalanceAsync(owner, asOf, cancellationToken);

    public Task<IReadOnlyList<HistoryItem>> GetHistoryAsync(OwnerId owner, int limit = LedgerLimits.HistoryLimitDefault, int offset = 0,
        CancellationToken cancellationToken = default) => inner.GetHistoryAsync(owner, limit, offset, cancellationToken);

    public Task<HistoryPage> GetHistoryPageAsync(OwnerId owner, HistoryQuery query, CancellationToken cancellationToken = default) =>
        inner.GetHistoryPageAsync(owner, query, cancellationToken);

    public Task<HoldResult> GetHoldAsync(long holdId, CancellationToken cancellationToken = default) =>
        inner.GetHoldAsync(holdId, cancellationToken);

    public Task<WalletBalance> GetWalletAsync(OwnerId owner, CancellationToken cancellationToken = default) =>
        inner.GetWalletAsync(owner, cancellationToken);

    private static async Task<T> RunAsync<T>(string operation, Func<Task<T>> write, Func<T, bool> replayed)
    {
        using var activity = LedgerTelemetry.ActivitySource.StartActivity("ledger " + operation, ActivityKind.Internal);
        activity?.SetTag("ledger.operation", operation);
        var started = Stopwatch.GetTimestamp();
        var outcome = "error";
        try
        {
            var result = await write();
            outcome = replayed(result) ? "replayed" : "ok";
            return result;
        }
        catch (Exception e)
        {
            outcome = LedgerTelemetry.Outcome(e);
            activity?.SetStatus(e is LedgerException ? ActivityStatusCode.Unset : ActivityStatusCode.Error, outcome);
            throw;
        }
        finally
        {
            Record(operation, outcome, Stopwatch.GetElapsedTime(started).TotalSeconds, activity);
        }
    }

    private static void Record(string operation, string outcome, double seconds, Activity? activity)
    {
        activity?.SetTag("ledger.outcome", outcome);
        var tags = new TagList { { "operation", operation }, { "outcome", outcome } };
        LedgerTelemetry.Operations.Add(1, tags);
        LedgerTelemetry.OperationDuration.Record(seconds, tags);
        var only = new KeyValuePair<string, object?>("operation", operation);
        switch (outcome)
        {
            case "replayed":
                LedgerTelemetry.Replays.Add(1, only);
                break;
            case LedgerErrorCodes.IdempotencyConflict:
                LedgerTelemetry.Conflicts.Add(1, only);
                break;
            case LedgerErrorCodes.InsufficientFunds:
                LedgerTelemetry.InsufficientFunds.Add(1, only);
                break;
        }
    }
}
