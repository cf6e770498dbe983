using FuncLedger.Core.Domain;

namespace FuncLedger.Core.Operations;

/// <summary>
/// The ledger's whole public API. Every write is one atomic database transaction; every error is a typed
/// <see cref="LedgerException"/>. Owners are the tournament system's profile ids (positive 64-bit).
/// </summary>
public interface ILedger
{
    /// <summary>Adds <paramref name="amount"/> coins; creates the owner's wallet on first use.</summary>
    Task<CreditResult> CreditAsync(long ownerId, long amount, string reason, string? idempotencyKey = null, string? meta = null, CancellationToken cancellationToken = default);

    /// <summary>Removes <paramref name="amount"/> coins (stored as a negative entry); InsufficientFunds below zero without overdraft.</summary>
    Task<CreditResult> DebitAsync(long ownerId, long amount, string reason, string? idempotencyKey = null, string? meta = null, CancellationToken cancellationToken = default);

    /// <summary>Moves coins between two owners' wallets; entries carry <c>{key}_debit</c> and <c>{key}_credit</c>.</summary>
    Task<TransferResult> TransferAsync(long fromOwnerId, long toOwnerId, long amount, string reason, string? idempotencyKey = null, string? meta = null, CancellationToken cancellationToken = default);

    /// <summary>The cached balance; 0 for an owner without a wallet.</summary>
    Task<long> GetBalanceAsync(long ownerId, CancellationToken cancellationToken = default);

    /// <summary>Entries newest first (created_at DESC, id DESC); empty for an unknown owner.</summary>
    Task<IReadOnlyList<HistoryItem>> GetHistoryAsync(long ownerId, int limit = LedgerLimits.HistoryLimitDefault, int offset = 0, CancellationToken cancellationToken = default);

    /// <summary>Rebuilds a wallet's cached balance from its entries under its row lock and returns it.</summary>
    Task<long> RecalculateAsync(long walletId, CancellationToken cancellationToken = default);

    /// <summary>Pays a participation award once, keyed <c>participation_award_reg_{registrationId}</c>.</summary>
    Task<CreditResult> AwardParticipationAsync(long registrationId, long ownerId, long amount, CancellationToken cancellationToken = default);

    /// <summary>Pays a placement award once, keyed <c>placement_award_reg_{registrationId}_place_{place}</c>.</summary>
    Task<CreditResult> AwardPlacementAsync(long registrationId, int place, long ownerId, long amount, CancellationToken cancellationToken = default);

    /// <summary>Pays participation and placement awards together in one transaction (the payout queue's batches);
    /// each award replays on its own deterministic key, and one invalid or conflicting award fails the whole call.</summary>
    Task<IReadOnlyList<CreditResult>> AwardAsync(IReadOnlyList<Award> awards, CancellationToken cancellationToken = default);

    /// <summary>Pays a tournament's placements in one transaction; each award replays on its own key.</summary>
    Task<IReadOnlyList<CreditResult>> AwardPlacementsAsync(IReadOnlyList<PlacementAward> placements, CancellationToken cancellationToken = default);
}
