using FuncLedger.Core.Diagnostics;
using FuncLedger.Core.Domain;

namespace FuncLedger.Core.Operations;

/// <summary>The ledger's public API (<see cref="ILedger"/>) as the hosts see it: every write measured
/// (<see cref="LedgerTelemetry.MeasureAsync"/>; reads are not), one service per concern behind it: moving coins
/// (<see cref="PostingService"/>), holds (<see cref="Holds"/>, <see cref="HoldClosing"/>, <see cref="HoldExpiry"/>), reversals
/// (<see cref="Reversals"/>) and reads (<see cref="LedgerQueries"/>).</summary>
internal sealed class Ledger(PostingService postings, Holds holds, HoldClosing closing, HoldExpiry expiry, Reversals reversals,
    LedgerQueries queries) : ILedger
{
    public Task<CreditResult> CreditAsync(CreditCommand command, CancellationToken cancellationToken = default) =>
        LedgerTelemetry.MeasureAsync("credit", () => postings.CreditAsync(command, cancellationToken), r => r.Replayed);

    public Task<CreditResult> DebitAsync(DebitCommand command, CancellationToken cancellationToken = default) =>
        LedgerTelemetry.MeasureAsync("debit", () => postings.DebitAsync(command, cancellationToken), r => r.Replayed);

    public Task<TransferResult> TransferAsync(TransferCommand command, CancellationToken cancellationToken = default) =>
        LedgerTelemetry.MeasureAsync("transfer", () => postings.TransferAsync(command, cancellationToken), r => r.Replayed);

    public Task<PostingResult> PostAsync(PostingCommand command, CancellationToken cancellationToken = default) =>
        LedgerTelemetry.MeasureAsync("posting", () => postings.PostAsync(command, cancellationToken), r => r.Replayed);

    public Task<IReadOnlyList<CreditResult>> AwardAsync(IReadOnlyList<Award> awards, CancellationToken cancellationToken = default) =>
        LedgerTelemetry.MeasureAsync("award_batch", () => postings.AwardAsync(awards, cancellationToken),
            r => r.Count > 0 && r.All(a => a.Replayed));

    public Task<AdjustmentResult> AdjustAsync(AdjustmentCommand command, CancellationToken cancellationToken = default) =>
        LedgerTelemetry.MeasureAsync("adjustment", () => postings.AdjustAsync(command, cancellationToken), r => r.Replayed);

    public Task<HoldResult> PlaceHoldAsync(HoldCommand command, CancellationToken cancellationToken = default) =>
        LedgerTelemetry.MeasureAsync("hold", () => holds.PlaceHoldAsync(command, cancellationToken), r => r.Replayed);

    public Task<HoldResult> GetHoldAsync(long holdId, CancellationToken cancellationToken = default) =>
        holds.GetHoldAsync(holdId, cancellationToken);

    public Task<WalletBalance> GetWalletAsync(OwnerId owner, CancellationToken cancellationToken = default) =>
        holds.GetWalletAsync(owner, cancellationToken);

    public Task<CaptureResult> CaptureHoldAsync(CaptureCommand command, CancellationToken cancellationToken = default) =>
        LedgerTelemetry.MeasureAsync("capture", () => closing.CaptureHoldAsync(command, cancellationToken), r => r.Replayed);

    public Task<HoldResult> VoidHoldAsync(VoidCommand command, CancellationToken cancellationToken = default) =>
        LedgerTelemetry.MeasureAsync("void", () => closing.VoidHoldAsync(command, cancellationToken), r => r.Replayed);

    public Task<int> ReleaseExpiredHoldsAsync(CancellationToken cancellationToken = default) =>
        LedgerTelemetry.MeasureAsync("release_expired", () => expiry.ReleaseExpiredHoldsAsync(cancellationToken), _ => false);

    public Task<ReversalResult> ReverseAsync(ReverseCommand command, CancellationToken cancellationToken = default) =>
        LedgerTelemetry.MeasureAsync("reversal", () => reversals.ReverseAsync(command, cancellationToken), r => r.Replayed);

    public Task<ReversalResult> ReversePostingAsync(ReversePostingCommand command, CancellationToken cancellationToken = default) =>
        LedgerTelemetry.MeasureAsync("posting_reversal", () => reversals.ReversePostingAsync(command, cancellationToken), r => r.Replayed);

    public Task<long> GetBalanceAsync(OwnerId owner, CancellationToken cancellationToken = default) =>
        queries.GetBalanceAsync(owner, cancellationToken);

    public Task<long> GetBalanceAsync(OwnerId owner, DateTimeOffset asOf, CancellationToken cancellationToken = default) =>
        queries.GetBalanceAsync(owner, asOf, cancellationToken);

    public Task<IReadOnlyList<HistoryItem>> GetHistoryAsync(OwnerId owner, int limit = LedgerLimits.HistoryLimitDefault, int offset = 0,
        CancellationToken cancellationToken = default) => queries.GetHistoryAsync(owner, limit, offset, cancellationToken);

    public Task<HistoryPage> GetHistoryPageAsync(OwnerId owner, HistoryQuery query, CancellationToken cancellationToken = default) =>
        queries.GetHistoryPageAsync(owner, query, cancellationToken);
}
