using FuncLedger.Core.Domain;
using FuncLedger.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace FuncLedger.Core.Operations;

/// <summary>A wallet's administrative state after a change, and whether the change changed anything.</summary>
public sealed record WalletAdminResult(long OwnerId, long WalletId, bool Frozen, bool AllowOverdraft, bool Changed);

/// <summary>One recorded change, for operators (the CLI, the ops routes): its operator's reason when given (always for an
/// adjustment, with the adjustment's entry).</summary>
public sealed record WalletChangeRecord(long Id, long WalletId, long OwnerId, string Change, string Actor, DateTime CreatedAt)
{
    public string? Reason { get; init; }

    public long? EntryId { get; init; }
}

/// <summary>
/// Operators' changes to a wallet: freeze (no coins leave it but through an adjustment: debits, transfers out, postings,
/// holds, captures and reversals that debit it are refused; credits, payouts and voids land), unfreeze, overdraft on or off.
/// Each change takes the wallet's lock, so it orders with writes, and is recorded with its actor (a key's id or an operator's
/// name, never a key) and the operator's reason in the same transaction. A wallet is created when it does not exist.
/// </summary>
public interface IWalletAdministration
{
    Task<WalletAdminResult> SetFrozenAsync(OwnerId owner, bool frozen, string actor, string? reason = null,
        CancellationToken cancellationToken = default);

    /// <summary>Overdraft can be withdrawn at any balance: below zero, the wallet keeps its balance (its floor), credits apply,
    /// and a debit is refused until the balance covers it.</summary>
    Task<WalletAdminResult> SetOverdraftAsync(OwnerId owner, bool allow, string actor, string? reason = null,
        CancellationToken cancellationToken = default);

    /// <summary>The newest changes (of one owner's wallet, or of all), newest first; at most 1..1000.</summary>
    Task<IReadOnlyList<WalletChangeRecord>> ChangesAsync(OwnerId? owner, int count, CancellationToken cancellationToken = default);
}

internal sealed class WalletAdministration(LedgerUnitOfWork unitOfWork, TimeProvider time) : IWalletAdministration
{
    public Task<WalletAdminResult> SetFrozenAsync(OwnerId owner, bool frozen, string actor, string? reason = null,
        CancellationToken cancellationToken = default) =>
        ChangeAsync(owner, actor, reason, frozen ? WalletChanges.Freeze : WalletChanges.Unfreeze, cancellationToken);

    public Task<WalletAdminResult> SetOverdraftAsync(OwnerId owner, bool allow, string actor, string? reason = null,
        CancellationToken cancellationToken = default) =>
        ChangeAsync(owner, actor, reason, allow ? WalletChanges.OverdraftOn : WalletChanges.OverdraftOff, cancellationToken);

    public async Task<IReadOnlyList<WalletChangeRecord>> ChangesAsync(OwnerId? owner, int count,
        CancellationToken cancellationToken = default)
    {
        if (count is < 1 or > 1000)
        {
            throw new LedgerValidationException("count", "Ask for 1 to 1000 changes.");
        }

        var ownerId = owner?.Value ?? 0;
        return await unitOfWork.RunAsync(async (db, ct) => (IReadOnlyList<WalletChangeRecord>)await db.WalletChanges
            .Join(db.Wallets, c => c.WalletId, w => w.Id, (c, w) => new { c, w.OwnerId })
            .Where(x => ownerId == 0 || x.OwnerId == ownerId)
            .OrderByDescending(x => x.c.Id).Take(count)
            .Select(x => new WalletChangeRecord(x.c.Id, x.c.WalletId, x.OwnerId, x.c.Change, x.c.Actor, x.c.CreatedAt)
            {
                Reason = x.c.Reason, EntryId = x.c.EntryId,
            })
            .ToListAsync(ct), cancellationToken);
    }

    private async Task<WalletAdminResult> ChangeAsync(OwnerId owner, string actor, string? reason, string change,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(actor) || actor.Length > WalletChanges.ActorLengthMax)
        {
            throw new LedgerValidationException("actor", $"An actor is 1 to {WalletChanges.ActorLengthMax} characters.");
        }

        reason = reason is null ? null : LedgerInput.Reason(reason);

        var now = time.GetUtcNow().UtcDateTime;
        return await unitOfWork.RunAsync(async (db, ct) =>
        {
            var store = unitOfWork.Store;
            var (connection, transaction) = await LedgerTransaction.BeginAsync(db, ct);
            await using var _ = transaction;
            var (_, wallets) = await store.LookupAndLock.ExecuteAsync(connection, transaction, [], [owner.Value], guarded: false, null, ct);
            // A wallet that does not exist yet is created (or, when a concurrent first credit wins, locked like any other).
            var wallet = wallets.SingleOrDefault() ?? await store.CreateOrLockWalletAsync(connection, transaction, owner.Value, now, ct);
            var (frozen, allow) = change switch
            {
                WalletChanges.Freeze => (true, wallet.AllowOverdraft),
                WalletChanges.Unfreeze => (false, wallet.AllowOverdraft),
                WalletChanges.OverdraftOn => (wallet.Frozen, true),
                _ => (wallet.Frozen, false),
            };
            // Withdrawn below zero, the wallet's floor is its balance (the database's check holds it there); a debit still needs
            // the balance to end at zero or above, so the floor only ever lets credits in.
            var floor = Math.Min(0, wallet.Balance);
            var changed = frozen != wallet.Frozen || allow != wallet.AllowOverdraft;
            if (changed)
            {
                await db.Wallets.Where(w => w.Id == wallet.Id).ExecuteUpdateAsync(s => s
                    .SetProperty(w => w.Frozen, frozen).SetProperty(w => w.AllowOverdraft, allow)
                    .SetProperty(w => w.OverdraftFloor, w => allow ? w.OverdraftFloor : floor), ct);
                db.WalletChanges.Add(new WalletChange
                {
                    WalletId = wallet.Id, Change = change, Actor = actor, Reason = reason, CreatedAt = now,
                });
                await db.SaveChangesAsync(ct);
            }

            await transaction.CommitAsync(ct);
            return new WalletAdminResult(owner.Value, wallet.Id, frozen, allow, changed);
        }, cancellationToken);
    }
}
