using System.Globalization;
using FuncLedger.Core.Domain;
using FuncLedger.Core.Operations;
using FuncLedger.Core.Persistence;
using FuncLedger.Core.Persistence.Commands;
using Microsoft.EntityFrameworkCore;

namespace FuncLedger.Core.Commerce;

/// <summary>
/// An operator's revocation of a redemption takes its coins back by the reversal rules: a debit of the player (source reversal)
/// linked to the redemption's credit as a reversal of it, so neither a second revocation nor a transaction reversal can take the
/// coins back twice; refused, with nothing written, when the wallet is frozen or lacks the coins (unless overdraft). In the same
/// transaction, under the player's wallet lock: the redemption is marked revoked (once: a guarded update), the items the player
/// still holds of its grant are taken back, and, only when the operator says so, its slot is given back (it no longer counts
/// against the player's cap, nor against the campaign's total cap). An items-only redemption has no coins to take back: the same
/// rows under the same lock. A retry under the key answers the first revocation.
/// </summary>
internal sealed class PromoRevocations(LedgerWrites writes)
{
    public async Task<RevocationResult> RevokeAsync(RevokeCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var key = command.Key.Value;
        var fingerprint = RequestFingerprint.Compute(LedgerOperation.PromoRevoke, command.RedemptionId, command.ReleaseSlot ? 1 : 0, 0,
            command.Reason, null);
        var record = WriteRecord.Of(key, LedgerOperation.PromoRevoke, fingerprint);
        var (registered, made, redemption, campaign) = await writes.RunAsync(async (db, ct) =>
        {
            var again = await LedgerWrites.CheckRegisteredAsync(db, record, ct);
            var first = again ? await FindByKeyAsync(db, key, ct) : null;
            var row = await db.PromoRedemptions.AsNoTracking().SingleOrDefaultAsync(r => r.Id == command.RedemptionId, ct);
            var terms = row is null ? null : await db.PromoCampaigns.AsNoTracking().SingleAsync(c => c.Id == row.CampaignId, ct);
            return (again, first, row, terms);
        }, cancellationToken);
        if (made is not null)
        {
            return made with { Replayed = true };
        }

        if (redemption is null || campaign is null)
        {
            throw new RedemptionNotFoundException(command.RedemptionId);
        }

        // A kept refusal (insufficient funds) is registered without a revocation: the write answers it again.
        if (!registered && redemption.RevokedAt is not null)
        {
            throw new RedemptionRevokedException(redemption.Id);
        }

        var hook = new RevokeHook(command, redemption, campaign);
        if (redemption.EntryId is not { } credit)
        {
            return await writes.UnderOwnerLockAsync(redemption.OwnerId, record,
                async (db, ct) => await ByKeyAsync(db, key, ct) with { Replayed = true },
                async (step, wallet, ct) =>
                {
                    await hook.CheckAsync(step.Context, ct);
                    return await hook.RecordAsync(step.Context, step.Now, null, ct);
                }, cancellationToken);
        }

        hook.Reversal = new Reversals.ReversalHook(credit,
            [new Reversals.Original(credit, redemption.WalletId, redemption.OwnerId, redemption.Coins, redemption.IdempotencyKey)],
            [redemption.Coins]);
        var meta = string.Create(CultureInfo.InvariantCulture,
            $$"""{"kind":"promo_revoke","campaignId":{{redemption.CampaignId}},"redemptionId":{{redemption.Id}}}""");
        Posting[] debit =
        [
            new(0, redemption.OwnerId, -redemption.Coins, command.Reason, key, fingerprint, meta, EntrySource.Reversal,
                CreateWallet: false),
        ];
        var posted = (await writes.WriteAsync(debit, record, cancellationToken, hook)).Postings[0];
        return hook.Revoked is { } revoked && !posted.Replayed
            ? revoked with { BalanceAfter = posted.BalanceAfter }
            : await writes.RunAsync((db, ct) => ByKeyAsync(db, key, ct), cancellationToken) with { Replayed = true };
    }

    private static async Task<RevocationResult> ByKeyAsync(LedgerDbContext db, string key, CancellationToken ct) =>
        await FindByKeyAsync(db, key, ct) ?? throw new LedgerInvariantException("a revocation's key is registered without its revocation");

    private static async Task<RevocationResult?> FindByKeyAsync(LedgerDbContext db, string key, CancellationToken ct)
    {
        var row = await db.PromoRedemptions.AsNoTracking().SingleOrDefaultAsync(r => r.RevokeIdempotencyKey == key, ct);
        if (row is null)
        {
            return null;
        }

        long? balance = row.ReversalEntryId is { } entry
            ? await db.LedgerEntries.Where(e => e.Id == entry).Select(e => e.BalanceAfter).SingleAsync(ct)
            : null;
        return Describe(row, balance);
    }

    private static RevocationResult Describe(PromoRedemptionRow r, long? balanceAfter) =>
        new(r.Id, r.CampaignId, r.OwnerId, r.Coins, r.ReversalEntryId, balanceAfter, r.SlotReleased,
            new DateTimeOffset(r.RevokedAt!.Value, TimeSpan.Zero), r.RevokeReason!, r.RevokeIdempotencyKey!);

    /// <summary>The promo's part of the revocation's transaction, per attempt; with the coins, the reversal's own checks and links.
    /// </summary>
    private sealed class RevokeHook(RevokeCommand command, PromoRedemptionRow redemption, PromoCampaignRow campaign) : IWriteHook
    {
        public Reversals.ReversalHook? Reversal { get; set; }

        public RevocationResult? Revoked { get; private set; }

        public async Task BeforeBalancesAsync(LedgerWriter.Step step, IReadOnlyDictionary<long, WalletRow> byOwner, CancellationToken ct)
        {
            await CheckAsync(step.Context, ct);
            await Reversal!.BeforeBalancesAsync(step, byOwner, ct);
        }

        public async Task AfterWriteAsync(LedgerWriter.Step step, Posted[] result, CancellationToken ct)
        {
            await Reversal!.AfterWriteAsync(step, result, ct);
            await RecordAsync(step.Context, step.Now, result[0].EntryId, ct);
        }

        /// <summary>Under the player's lock: not revoked by a concurrent request that committed first.</summary>
        public async Task CheckAsync(LedgerDbContext db, CancellationToken ct)
        {
            Revoked = null;
            if (await db.PromoRedemptions.Where(r => r.Id == redemption.Id).Select(r => r.RevokedAt).SingleAsync(ct) is not null)
            {
                throw new RedemptionRevokedException(redemption.Id);
            }
        }

        public async Task<RevocationResult> RecordAsync(LedgerDbContext db, DateTime now, long? reversalEntryId, CancellationToken ct)
        {
            var at = ShopCatalog.Microseconds(now);
            var changed = await db.PromoRedemptions.Where(r => r.Id == redemption.Id && r.RevokedAt == null).ExecuteUpdateAsync(s => s
                .SetProperty(r => r.RevokedAt, at).SetProperty(r => r.RevokedBy, command.Actor)
                .SetProperty(r => r.RevokeReason, command.Reason).SetProperty(r => r.RevokeIdempotencyKey, command.Key.Value)
                .SetProperty(r => r.ReversalEntryId, reversalEntryId).SetProperty(r => r.SlotReleased, command.ReleaseSlot), ct);
            if (changed == 0)
            {
                throw new RedemptionRevokedException(redemption.Id);
            }

            // A capped campaign's counter holds the slots taken: a slot given back is free for the next player.
            if (command.ReleaseSlot && campaign.MaxRedemptions is not null)
            {
                await db.PromoCampaigns.Where(c => c.Id == campaign.Id && c.Redemptions > 0)
                    .ExecuteUpdateAsync(s => s.SetProperty(c => c.Redemptions, c => c.Redemptions - 1), ct);
            }

            // The items of the grant the player still holds go back (units a game consumed cannot), each grant recording what it
            // gave back; a redemption from before grants were recorded takes back its campaign's items.
            var grants = await db.PromoGrants.AsTracking().Where(g => g.RedemptionId == redemption.Id).OrderBy(g => g.Id).ToListAsync(ct);
            foreach (var grant in grants)
            {
                grant.Taken = (int)await ShopInventory.TakeAsync(db, redemption.OwnerId, grant.Sku, grant.Quantity, now, ct);
            }

            foreach (var item in grants.Count > 0 ? [] : PromoCampaigns.Parse(campaign.Items))
            {
                await ShopInventory.TakeAsync(db, redemption.OwnerId, item.Sku, item.Quantity, now, ct);
            }

            await db.SaveChangesAsync(ct);
            // As written (the balance after the debit is the write's to add).
            Revoked = new RevocationResult(redemption.Id, redemption.CampaignId, redemption.OwnerId, redemption.Coins, reversalEntryId,
                null, command.ReleaseSlot, new DateTimeOffset(at, TimeSpan.Zero), command.Reason, command.Key.Value);
            return Revoked;
        }
    }
}
