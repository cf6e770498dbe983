using FuncLedger.Core.Domain;

namespace FuncLedger.Core.Operations;

/// <summary>
/// The ledger's public API. Every write is one atomic database transaction; every contract error is a typed
/// <see cref="LedgerException"/>, and a database that is unreachable or stays busy is a
/// <see cref="LedgerUnavailableException"/>. Commands are built from checked values, so bad input never reaches here.
/// </summary>
public interface ILedger
{
    /// <summary>Adds coins; creates the owner's wallet on first use.</summary>
    Task<CreditResult> CreditAsync(CreditCommand command, CancellationToken cancellationToken = default);

    /// <summary>Removes coins (stored as a negative entry); InsufficientFunds below zero without overdraft.</summary>
    Task<CreditResult> DebitAsync(DebitCommand command, CancellationToken cancellationToken = default);

    /// <summary>Moves coins between two owners' wallets; entries carry <c>{key}_debit</c> and <c>{key}_credit</c>.</summary>
    Task<TransferResult> TransferAsync(TransferCommand command, CancellationToken cancellationToken = default);

    /// <summary>Applies a multi-leg posting (legs summing to zero) in one transaction, all legs or none; wallets are locked in
    /// ascending id order; each leg's entry carries <c>{key}_leg_{n}</c>. A keyed retry replays the whole posting.</summary>
    Task<PostingResult> PostAsync(PostingCommand command, CancellationToken cancellationToken = default);

    /// <summary>The cached balance; 0 for an owner without a wallet.</summary>
    Task<long> GetBalanceAsync(OwnerId owner, CancellationToken cancellationToken = default);

    /// <summary>The balance at an instant: the balance after the wallet's last entry at or before <paramref name="asOf"/>
    /// (0 before its first entry, or for an owner without a wallet).</summary>
    Task<long> GetBalanceAsync(OwnerId owner, DateTimeOffset asOf, CancellationToken cancellationToken = default);

    /// <summary>Entries newest first in the order they were applied (id DESC); empty for an unknown owner. Paging is checked by
    /// <see cref="LedgerInput.Page"/>.</summary>
    Task<IReadOnlyList<HistoryItem>> GetHistoryAsync(OwnerId owner, int limit = LedgerLimits.HistoryLimitDefault, int offset = 0,
        CancellationToken cancellationToken = default);

    /// <summary>A page of history by cursor (keyset on the entry id): pages never skip or repeat an entry while others
    /// write to the wallet. The cursor is opaque and signed; one changed, or issued for another owner or other filters, is a
    /// <see cref="LedgerValidationException"/> on field <c>cursor</c>.</summary>
    Task<HistoryPage> GetHistoryPageAsync(OwnerId owner, HistoryQuery query, CancellationToken cancellationToken = default);

    /// <summary>Pays awards together in one transaction (the payout queue's batches, a tournament's placements); each
    /// award replays on its own deterministic key, and one conflicting award fails the whole call.</summary>
    Task<IReadOnlyList<CreditResult>> AwardAsync(IReadOnlyList<Award> awards, CancellationToken cancellationToken = default);

    /// <summary>Reserves coins of the owner's wallet (a two-phase hold): 409 insufficient funds beyond the available balance
    /// (unless overdraft), wallet frozen on a frozen wallet. Always keyed; a retry under the key returns the hold.</summary>
    Task<HoldResult> PlaceHoldAsync(HoldCommand command, CancellationToken cancellationToken = default);

    /// <summary>Captures a pending hold (all or part; the rest is released): a debit, or a transfer to another owner. A retry
    /// under the capture's key replays it; a frozen wallet's hold is not captured.</summary>
    Task<CaptureResult> CaptureHoldAsync(CaptureCommand command, CancellationToken cancellationToken = default);

    /// <summary>Releases a pending hold (also on a frozen wallet); a retry under the void's key replays it.</summary>
    Task<HoldResult> VoidHoldAsync(VoidCommand command, CancellationToken cancellationToken = default);

    /// <summary>A hold as it stands (a pending hold past its expiry is reported expired).</summary>
    Task<HoldResult> GetHoldAsync(long holdId, CancellationToken cancellationToken = default);

    /// <summary>Marks every pending hold past its expiry expired and returns how many (the expiry timer).</summary>
    Task<int> ReleaseExpiredHoldsAsync(CancellationToken cancellationToken = default);

    /// <summary>The wallet's balance, held coins (pending holds not yet expired), available coins and state; zeros for an owner
    /// without a wallet.</summary>
    Task<WalletBalance> GetWalletAsync(OwnerId owner, CancellationToken cancellationToken = default);

    /// <summary>Reverses a transaction with compensating entries linked to the originals; partial reversals add up to at most
    /// the original.</summary>
    Task<ReversalResult> ReverseAsync(ReverseCommand command, CancellationToken cancellationToken = default);

    /// <summary>Reverses every leg of a posting at once (what is left of each), all or none, with a reversal's limits.</summary>
    Task<ReversalResult> ReversePostingAsync(ReversePostingCommand command, CancellationToken cancellationToken = default);

    /// <summary>An operator's adjustment (the master key's routes and the CLI only): signed coins on a wallet with a reason,
    /// recorded as a wallet change with its actor. The one way coins leave a frozen wallet; a debit still needs the coins
    /// (or overdraft).</summary>
    Task<AdjustmentResult> AdjustAsync(AdjustmentCommand command, CancellationToken cancellationToken = default);
}
