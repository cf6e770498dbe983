using FuncLedger.Core.Persistence;
using FuncLedger.Core.Persistence.Commands;

namespace FuncLedger.Core.Operations;

/// <summary>
/// What an operation beyond plain postings (a hold's capture, a reversal) does inside the write's transaction, under the
/// wallets' locks: <see cref="BeforeBalancesAsync"/> checks its own state and may adjust the locked rows (a capture releases its
/// hold) before the balances are computed; <see cref="AfterWriteAsync"/> records what links to the new entries. A wallet the
/// write creates (a first credit) is locked only after <see cref="BeforeBalancesAsync"/>: a count that must be exact per owner
/// belongs in <see cref="AfterWriteAsync"/>, which runs under every lock (a promo's per-player cap). A hook never
/// runs for a pure replay. Its commands go through <see cref="LedgerWriter.Step.Context"/> (EF, on the write's transaction)
/// or the step's connection.
/// </summary>
internal interface IWriteHook
{
    Task BeforeBalancesAsync(LedgerWriter.Step step, IReadOnlyDictionary<long, WalletRow> byOwner,
        CancellationToken ct);

    Task AfterWriteAsync(LedgerWriter.Step step, Posted[] result, CancellationToken ct);

    /// <summary>When not null, the hook only releases this hold as captured, which the provider's one-round-trip write does
    /// itself (PostgreSQL's <c>ledger_post</c>); the hook runs only on the general path.</summary>
    HoldRelease? Release => null;
}

/// <summary>Another record's part of a hold's transaction (a checkout's stock and rows), run under the wallet's lock once the hold
/// is written (<see cref="Holds.PlaceWithAsync"/>).</summary>
internal interface IHoldHook
{
    Task AfterPlacedAsync(LedgerDbContext db, Hold hold, CancellationToken ct);
}
