using System.Globalization;
using FuncLedger.Core.Domain;
using FuncLedger.Core.Operations;
using FuncLedger.Core.Persistence;
using FuncLedger.Core.Persistence.Commands;
using Microsoft.EntityFrameworkCore;

namespace FuncLedger.Core.Commerce;

/// <summary>
/// A redemption is one ledger write (a credit of the campaign's coins, source promo, the campaign named on the entry) with the
/// promo's rows in its transaction: under the player's wallet lock the campaign is checked again (on, in its window) and the
/// player's own cap is counted; then the campaign's total cap takes a slot by a guarded update (exactly the cap under races on
/// every instance), a single-use code is marked used by a guarded update, the redemption row is written and the items granted;
/// all or none. A refusal writes nothing but a failed attempt, and an owner with too many failed attempts in the window is
/// answered 429 before any code is looked at (in the database: every instance counts the same attempts).
/// </summary>
internal sealed class PromoRedemptions(LedgerWrites writes, PromoOptions options)
{
    public async Task<RedemptionResult> RedeemAsync(RedeemCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var (owner, key) = (command.Owner.Value, command.Key.Value);
        var hash = PromoCodes.Hash(Typed(command.Code));
        var fingerprint = RequestFingerprint.Compute(LedgerOperation.PromoRedeem, owner, 0, 0, hash, null);
        var record = WriteRecord.Of(key, LedgerOperation.PromoRedeem, fingerprint);
        if (await writes.RunAsync((db, ct) => LedgerWrites.CheckRegisteredAsync(db, record, ct), cancellationToken))
        {
            return await writes.RunAsync((db, ct) => ByKeyAsync(db, key, ct), cancellationToken) with { Replayed = true };
        }

        // The attempt budget is read once, before the code is looked up; a refusal of the lookup or of the write is one attempt.
        return await RefusingAsync(owner, async ct =>
        {
            var (campaign, codeHash) = await writes.RunAsync((db, c) => FindAsync(db, command.Code, hash, c), ct);
            // At most "Promo: " and a name of PromoLimits.NameLengthMax characters: always within an entry's reason.
            var reason = codeHash is null ? $"Promo: {campaign.VanityCode}" : $"Promo: {campaign.Name}";
            var hook = new RedeemHook(campaign.Id, owner, codeHash, key);
            if (campaign.Coins == 0)
            {
                // Items only: no entry to write, the same rows under the same lock.
                return await writes.UnderOwnerLockAsync(owner, record,
                    async (db, c) => await ByKeyAsync(db, key, c) with { Replayed = true },
                    async (step, wallet, c) =>
                    {
                        await hook.CheckCampaignAsync(step.Context, step.Now, c);
                        return Describe(await hook.RecordAsync(step.Context, step.Now, wallet.Id, null, c), campaign, wallet.Balance);
                    }, ct);
            }

            var meta = string.Create(CultureInfo.InvariantCulture, $$"""{"kind":"promo","campaignId":{{campaign.Id}}}""");
            Posting[] credit = [new(0, owner, campaign.Coins, reason, key, fingerprint, meta, EntrySource.Promo, CreateWallet: true)];
            var posted = (await writes.WriteAsync(credit, record, ct, hook)).Postings[0];
            return hook.Redemption is { } row && !posted.Replayed
                ? Describe(row, campaign, posted.BalanceAfter)
                : await writes.RunAsync((db, c) => ByKeyAsync(db, key, c), ct) with { Replayed = true };
        }, cancellationToken);
    }

    /// <summary>What a redeem would answer now, writing nothing but a failed attempt.</summary>
    public async Task<PromoCheck> CheckAsync(OwnerId owner, string code, CancellationToken cancellationToken)
    {
        var hash = PromoCodes.Hash(Typed(code));
        var (campaign, _) = await RefusingAsync(owner.Value, ct => writes.RunAsync(async (db, c) =>
        {
            var found = await FindAsync(db, code, hash, c);
            await CheckPlayerAsync(db, found.Campaign, owner.Value, c);
            return found.Campaign.MaxRedemptions is { } max && found.Campaign.Redemptions >= max
                ? throw new PromoExhaustedException()
                : found;
        }, ct).AsTask(), cancellationToken);
        return new PromoCheck(campaign.Id, campaign.Name, campaign.Coins, PromoCampaigns.Parse(campaign.Items));
    }

    private static string Typed(string? code) =>
        string.IsNullOrWhiteSpace(code) || code.Length > PromoLimits.TypedCodeLengthMax
            ? throw new LedgerValidationException("code", $"A code is 1 to {PromoLimits.TypedCodeLengthMax} characters.")
            : code;

    /// <summary>Runs <paramref name="work"/> after the owner's attempt budget is checked; a promo refusal it throws is recorded as a
    /// failed attempt (its own small write) and thrown on. Attempts racing in parallel each check before any records, so a burst
    /// can pass the budget by its own width once; then every attempt is refused until the window moves.</summary>
    private async Task<T> RefusingAsync<T>(long owner, Func<CancellationToken, Task<T>> work, CancellationToken ct)
    {
        var now = writes.Now;
        var since = now.AddMinutes(-PromoLimits.AttemptWindowMinutes);
        var failed = await writes.RunAsync(async (db, c) =>
            await db.PromoAttempts.Where(a => a.OwnerId == owner && a.CreatedAt > since).Select(a => a.CreatedAt).OrderBy(a => a)
                .Take(options.FailedAttemptsMax).ToListAsync(c), ct);
        if (failed.Count >= options.FailedAttemptsMax)
        {
            var retry = failed[0].AddMinutes(PromoLimits.AttemptWindowMinutes) - now;
            throw new TooManyAttemptsException(retry > TimeSpan.FromSeconds(1) ? retry : TimeSpan.FromSeconds(1));
        }

        try
        {
            return await work(ct);
        }
        catch (LedgerException e) when (e.Code.StartsWith("promo_", StringComparison.Ordinal))
        {
            await writes.RunAsync(async (db, c) =>
            {
                db.PromoAttempts.Add(new PromoAttemptRow { OwnerId = owner, Refusal = e.Code, CreatedAt = writes.Now });
                return await db.SaveChangesAsync(c);
            }, CancellationToken.None);
            throw;
        }
    }

    /// <summary>The campaign a typed code names and, for a single-use code, its hash; refused when it names none, its campaign is
    /// off, the code is used, or the campaign is outside its window.</summary>
    private async Task<(PromoCampaignRow Campaign, string? CodeHash)> FindAsync(LedgerDbContext db, string typed, string hash,
        CancellationToken ct)
    {
        var vanity = PromoCodes.Vanity(typed);
        var campaign = await db.PromoCampaigns.AsNoTracking().SingleOrDefaultAsync(c => c.Active && c.VanityCode == vanity, ct);
        string? codeHash = null;
        if (campaign is null)
        {
            var code = await db.PromoCodes.AsNoTracking().SingleOrDefaultAsync(c => c.Hash == hash, ct);
            campaign = code is { RedemptionId: null }
                ? await db.PromoCampaigns.AsNoTracking().SingleAsync(c => c.Id == code.CampaignId, ct)
                : null;
            codeHash = hash;
        }

        if (campaign is not { Active: true })
        {
            throw new PromoInvalidException();
        }

        CheckWindow(campaign, writes.Now);
        return (campaign, codeHash);
    }

    private static void CheckWindow(PromoCampaignRow campaign, DateTime now)
    {
        if (campaign.StartsAt is { } starts && starts > now)
        {
            throw new PromoNotStartedException(new DateTimeOffset(starts, TimeSpan.Zero));
        }

        if (campaign.EndsAt is { } ends && ends <= now)
        {
            throw new PromoExpiredException();
        }
    }

    private static async Task CheckPlayerAsync(LedgerDbContext db, PromoCampaignRow campaign, long owner, CancellationToken ct)
    {
        // A redemption revoked with its slot given back no longer counts.
        var redeemed = await db.PromoRedemptions.CountAsync(r => r.CampaignId == campaign.Id && r.OwnerId == owner && !r.SlotReleased,
            ct);
        if (redeemed >= campaign.PerPlayerLimit)
        {
            throw new PromoAlreadyRedeemedException(campaign.PerPlayerLimit);
        }
    }

    private static async Task<RedemptionResult> ByKeyAsync(LedgerDbContext db, string key, CancellationToken ct)
    {
        var found = await (from r in db.PromoRedemptions.AsNoTracking()
                           where r.IdempotencyKey == key
                           join c in db.PromoCampaigns on r.CampaignId equals c.Id
                           select new { Redemption = r, Campaign = c }).SingleOrDefaultAsync(ct)
            ?? throw new LedgerInvariantException("a redemption's key is registered without its redemption");
        // The balance the credit left, or (items only) the wallet's as it is now.
        var balance = found.Redemption.EntryId is { } entry
            ? await db.LedgerEntries.Where(e => e.Id == entry).Select(e => e.BalanceAfter).SingleAsync(ct)
            : await db.Wallets.Where(w => w.Id == found.Redemption.WalletId).Select(w => w.CachedBalance).SingleAsync(ct);
        return Describe(found.Redemption, found.Campaign, balance);
    }

    private static RedemptionResult Describe(PromoRedemptionRow r, PromoCampaignRow c, long balanceAfter) =>
        new(r.Id, r.CampaignId, r.OwnerId, r.Coins, PromoCampaigns.Parse(c.Items), r.EntryId, balanceAfter, r.IdempotencyKey);

    /// <summary>The promo's part of the redemption's transaction, per attempt.</summary>
    private sealed class RedeemHook(long campaignId, long owner, string? codeHash, string key) : IWriteHook
    {
        private PromoCampaignRow? _campaign;

        public PromoRedemptionRow? Redemption { get; private set; }

        public Task BeforeBalancesAsync(LedgerWriter.Step step, IReadOnlyDictionary<long, WalletRow> byOwner, CancellationToken ct) =>
            CheckCampaignAsync(step.Context, step.Now, ct);

        public Task AfterWriteAsync(LedgerWriter.Step step, Posted[] result, CancellationToken ct) =>
            RecordAsync(step.Context, step.Now, result[0].WalletId, result[0].EntryId, ct);

        /// <summary>The campaign again, in the write's transaction: still on, still in its window.</summary>
        public async Task CheckCampaignAsync(LedgerDbContext db, DateTime now, CancellationToken ct)
        {
            Redemption = null;
            _campaign = await db.PromoCampaigns.AsNoTracking().SingleAsync(c => c.Id == campaignId, ct);
            if (!_campaign.Active)
            {
                throw new PromoInvalidException();
            }

            CheckWindow(_campaign, now);
        }

        /// <summary>Under the player's wallet lock: the caps, the redemption row, the items, the single-use code.</summary>
        public async Task<PromoRedemptionRow> RecordAsync(LedgerDbContext db, DateTime now, long walletId, long? entryId,
            CancellationToken ct)
        {
            var campaign = _campaign!;
            // Under the player's wallet lock, which a first credit holds only once its wallet is created (after the checks
            // before the balances): every redemption of this player waits for it, so the player's count is exact.
            await CheckPlayerAsync(db, campaign, owner, ct);
            // The total cap: a slot taken by a guarded update (the campaign's row is locked until commit, so a capped campaign's
            // redemptions take turns there). An uncapped campaign keeps no counter: its redemptions never wait on one row.
            if (campaign.MaxRedemptions is not null && await db.PromoCampaigns
                    .Where(c => c.Id == campaignId && c.Redemptions < c.MaxRedemptions)
                    .ExecuteUpdateAsync(s => s.SetProperty(c => c.Redemptions, c => c.Redemptions + 1), ct) == 0)
            {
                throw new PromoExhaustedException();
            }

            var row = new PromoRedemptionRow
            {
                CampaignId = campaignId, OwnerId = owner, WalletId = walletId, CodeHash = codeHash, Coins = campaign.Coins,
                EntryId = entryId, IdempotencyKey = key, CreatedAt = ShopCatalog.Microseconds(now),
            };
            db.PromoRedemptions.Add(row);
            var items = PromoCampaigns.Parse(campaign.Items);
            foreach (var item in items)
            {
                await ShopInventory.GrantAsync(db, owner, item.Sku, item.Quantity, now, ct);
            }

            await db.SaveChangesAsync(ct);
            if (items.Count > 0)
            {
                // What was granted, as granted (the drift check counts it; a revocation takes back from it).
                db.PromoGrants.AddRange(items.Select(i => new PromoGrantRow
                {
                    RedemptionId = row.Id, OwnerId = owner, Sku = i.Sku, Quantity = i.Quantity,
                }));
                await db.SaveChangesAsync(ct);
            }

            if (codeHash is not null && await db.PromoCodes.Where(c => c.Hash == codeHash && c.RedemptionId == null)
                    .ExecuteUpdateAsync(s => s.SetProperty(c => c.RedemptionId, row.Id), ct) == 0)
            {
                // Another player redeemed the single-use code first.
                throw new PromoInvalidException();
            }

            Redemption = row;
            return row;
        }
    }
}
