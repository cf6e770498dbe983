using FuncLedger.Core.Domain;

namespace FuncLedger.Core.Persistence.Commands;

/// <summary>A wallet row read under its lock: (id, owner_id, cached_balance, allow_overdraft, updated_at, frozen,
/// held). <see cref="Balance"/>
/// is the balance the operation computes; <see cref="Original"/> the one read, which guards the write.</summary>
internal sealed class WalletRow(long id, long ownerId, long balance, bool allowOverdraft)
{
    public long Id { get; } = id;

    public long OwnerId { get; } = ownerId;

    public long Original { get; } = balance;

    public long Balance { get; set; } = balance;

    public bool AllowOverdraft { get; } = allowOverdraft;

    /// <summary>When the wallet last changed (UTC): a write stamps its entries no earlier, so a wallet's entries are in
    /// time order in the order they were applied, whatever the clocks of the instances that wrote them.</summary>
    public DateTime UpdatedAt { get; init; }

    /// <summary>A frozen wallet lets no coins out but through an adjustment.</summary>
    public bool Frozen { get; init; }

    /// <summary>The coins held against the balance: the cached column (pending holds, expired ones included until the timer
    /// releases them), or, once <see cref="HeldExact"/>, the pending holds not yet expired, read under the lock.</summary>
    public long Held { get; set; }

    public bool HeldExact { get; set; }
}

/// <summary>An existing entry found by its idempotency key: (id, wallet_id, amount, balance_after, idempotency_key,
/// request_fingerprint); a kept refusal (id 0), a hold (negative id) or a registered client key (<see cref="ClientKeyId"/>)
/// read the same way.</summary>
internal readonly record struct EntryRow(long Id, long WalletId, long Amount, long BalanceAfter, string Key, string? Fingerprint)
{
    /// <summary>The id a registered client key reads as.</summary>
    public const long ClientKeyId = long.MinValue;

    public bool IsClientKey => Id == ClientKeyId;
}

/// <summary>One entry to insert, with the wallet's balance right after it.</summary>
internal readonly record struct EntryWrite(
    long WalletId, long Amount, long BalanceAfter, string Reason, string? Key, string? Fingerprint, string? Meta, EntrySource Source);

/// <summary>What a key lookup found, and the wallets it locked (ascending id order).</summary>
internal readonly record struct LookupResult(List<EntryRow> Existing, List<WalletRow> Wallets);

/// <summary>A wallet locked for a recalculation: its cached balance and the sum of its entries, its cached held coins and
/// the sum of its pending holds, read under the lock.</summary>
internal readonly record struct WalletSum(long WalletId, long Cached, long Sum, long CachedHeld = 0, long PendingHeld = 0)
{
    public bool Drifts => Cached != Sum || CachedHeld != PendingHeld;
}

/// <summary>One row of the drift scan: a drifted wallet (<see cref="DriftId"/> set, count 1), or every wallet that
/// does not drift together (<see cref="DriftId"/> null).</summary>
internal readonly record struct DriftRow(long? DriftId, long Count, long Cached, long Ledger, long Held = 0, long Pending = 0);
