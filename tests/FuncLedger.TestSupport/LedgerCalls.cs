using FuncLedger.Core.Domain;
using FuncLedger.Core.Operations;
using FuncLedger.Core.Payouts;

namespace FuncLedger.TestSupport;

/// <summary>One placement of a tournament, as the tests write it (plain numbers, checked when the award is made).</summary>
public sealed record PlacementAward(long RegistrationId, int Place, long OwnerId, long Amount);

/// <summary>
/// The tests' shorthand for the ledger's commands: plain numbers and strings, turned into the typed values and commands
/// exactly as an adapter does (so a bad value fails the same way, before any database work).
/// </summary>
public static class LedgerCalls
{
    public static Task<CreditResult> CreditAsync(this ILedger ledger, long ownerId, long amount, string reason, string? idempotencyKey = null,
        string? meta = null, CancellationToken cancellationToken = default) =>
        ledger.CreditAsync(new CreditCommand(OwnerId.From(ownerId), Coins.From(amount), reason, IdempotencyKey.Parse(idempotencyKey), meta),
            cancellationToken);

    public static Task<CreditResult> DebitAsync(this ILedger ledger, long ownerId, long amount, string reason, string? idempotencyKey = null,
        string? meta = null, CancellationToken cancellationToken = default) =>
        ledger.DebitAsync(new DebitCommand(OwnerId.From(ownerId), Coins.From(amount), reason, IdempotencyKey.Parse(idempotencyKey), meta),
            cancellationToken);

    public static Task<TransferResult> TransferAsync(this ILedger ledger, long fromOwnerId, long toOwnerId, long amount, string reason,
        string? idempotencyKey = null, string? meta = null, CancellationToken cancellationToken = default) =>
        ledger.TransferAsync(new TransferCommand(OwnerId.From(fromOwnerId, "fromOwnerId"), OwnerId.From(toOwnerId, "toOwnerId"),
            Coins.From(amount), reason, IdempotencyKey.Parse(idempotencyKey), meta), cancellationToken);

    /// <summary>A multi-leg posting from (owner, signed amount) pairs.</summary>
    public static Task<PostingResult> PostAsync(this ILedger ledger, IEnumerable<(long OwnerId, long Amount)> legs, string reason,
        string? idempotencyKey = null, string? meta = null, CancellationToken cancellationToken = default) =>
        ledger.PostAsync(new PostingCommand([.. legs.Select(l => new PostingLeg(OwnerId.From(l.OwnerId), l.Amount))], reason,
            IdempotencyKey.Parse(idempotencyKey), meta), cancellationToken);

    public static Task<HoldResult> HoldAsync(this ILedger ledger, long ownerId, long amount, string reason, string idempotencyKey,
        DateTimeOffset? expiresAt = null, string? meta = null) =>
        ledger.PlaceHoldAsync(new HoldCommand(OwnerId.From(ownerId), Coins.From(amount), reason, IdempotencyKey.From(idempotencyKey),
            expiresAt, meta));

    public static Task<CaptureResult> CaptureAsync(this ILedger ledger, long holdId, long? amount = null, long? toOwnerId = null,
        string? reason = null, string? idempotencyKey = null) =>
        ledger.CaptureHoldAsync(new CaptureCommand(holdId, amount is { } a ? Coins.From(a) : null,
            toOwnerId is { } to ? OwnerId.From(to) : null, reason, IdempotencyKey.Parse(idempotencyKey)));

    public static Task<HoldResult> VoidAsync(this ILedger ledger, long holdId, string? idempotencyKey = null) =>
        ledger.VoidHoldAsync(new VoidCommand(holdId, IdempotencyKey.Parse(idempotencyKey)));

    public static Task<ReversalResult> ReversePostingAsync(this ILedger ledger, long postingId, string reason, string? idempotencyKey = null) =>
        ledger.ReversePostingAsync(new ReversePostingCommand(postingId, reason, IdempotencyKey.Parse(idempotencyKey)));

    public static Task<AdjustmentResult> AdjustAsync(this ILedger ledger, long ownerId, long amount, string reason,
        string? idempotencyKey = null, string actor = "cli:test") =>
        ledger.AdjustAsync(new AdjustmentCommand(OwnerId.From(ownerId), amount, reason, actor, IdempotencyKey.Parse(idempotencyKey)));

    public static Task<ReversalResult> ReverseAsync(this ILedger ledger, long transactionId, string reason, string? idempotencyKey = null,
        long? amount = null) =>
        ledger.ReverseAsync(new ReverseCommand(transactionId, reason, IdempotencyKey.Parse(idempotencyKey),
            amount is { } a ? Coins.From(a) : null));

    public static Task<WalletBalance> GetWalletAsync(this ILedger ledger, long ownerId) => ledger.GetWalletAsync(OwnerId.From(ownerId));

    public static Task<long> GetBalanceAsync(this ILedger ledger, long ownerId, DateTimeOffset asOf, CancellationToken cancellationToken = default) =>
        ledger.GetBalanceAsync(OwnerId.From(ownerId), asOf, cancellationToken);

    public static Task<long> GetBalanceAsync(this ILedger ledger, long ownerId, CancellationToken cancellationToken = default) =>
        ledger.GetBalanceAsync(OwnerId.From(ownerId), cancellationToken);

    public static Task<IReadOnlyList<HistoryItem>> GetHistoryAsync(this ILedger ledger, long ownerId, int limit = LedgerLimits.HistoryLimitDefault,
        int offset = 0, CancellationToken cancellationToken = default) =>
        ledger.GetHistoryAsync(OwnerId.From(ownerId), limit, offset, cancellationToken);

    public static async Task<CreditResult> AwardParticipationAsync(this ILedger ledger, long registrationId, long ownerId, long amount,
        CancellationToken cancellationToken = default) =>
        (await ledger.AwardAsync([new Award(registrationId, null, OwnerId.From(ownerId), Coins.From(amount))], cancellationToken))[0];

    public static async Task<CreditResult> AwardPlacementAsync(this ILedger ledger, long registrationId, int place, long ownerId, long amount,
        CancellationToken cancellationToken = default) =>
        (await ledger.AwardAsync([new Award(registrationId, place, OwnerId.From(ownerId), Coins.From(amount))], cancellationToken))[0];

    public static async Task<IReadOnlyList<CreditResult>> AwardPlacementsAsync(this ILedger ledger, IReadOnlyList<PlacementAward> placements,
        CancellationToken cancellationToken = default) =>
        await ledger.AwardAsync([.. placements.Select(p => new Award(p.RegistrationId, p.Place, OwnerId.From(p.OwnerId), Coins.From(p.Amount)))],
            cancellationToken);
}
