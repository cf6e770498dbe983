using System.Globalization;
using FuncLedger.Core.Domain;
using FuncLedger.Core.Operations;
using FuncLedger.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace FuncLedger.Core.Commerce;

/// <summary>Operators' side of promo codes: campaigns (create, read with counts, switch on and off) and single-use codes.</summary>
internal sealed class PromoCampaigns(LedgerWrites writes)
{
    /// <summary>One campaign's counts and coins, from its redemptions and their entries.</summary>
    private readonly record struct Tally(long CampaignId, int Redemptions, int Revoked, long Recorded, long Granted);

    public async Task<PromoCampaign> CreateAsync(CampaignTerms terms, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(terms);
        var now = ShopCatalog.Microseconds(writes.Now);
        var id = await writes.RunAsync(async (db, ct) =>
        {
            foreach (var item in terms.Items)
            {
                if (!await db.ShopItems.AnyAsync(i => i.Sku == item.Sku.Value, ct))
                {
                    throw new ItemNotFoundException(item.Sku.Value);
                }
            }

            await CheckVanityFreeAsync(db, terms.VanityCode, null, ct);
            var row = new PromoCampaignRow
            {
                Name = terms.Name, Coins = terms.Coins, Items = Format(terms.Items), StartsAt = terms.StartsAt?.UtcDateTime,
                EndsAt = terms.EndsAt?.UtcDateTime, MaxRedemptions = terms.MaxRedemptions, PerPlayerLimit = terms.PerPlayerLimit,
                VanityCode = terms.VanityCode, Active = true, CreatedAt = now, UpdatedAt = now,
            };
            db.PromoCampaigns.Add(row);
            await SaveVanityAsync(db, terms.VanityCode, ct);
            return row.Id;
        }, cancellationToken);
        return await GetAsync(id, cancellationToken);
    }

    public async Task<PromoCampaign> SetActiveAsync(long campaignId, bool active, CancellationToken cancellationToken)
    {
        await writes.RunAsync(async (db, ct) =>
        {
            var row = await db.PromoCampaigns.AsTracking().SingleOrDefaultAsync(c => c.Id == campaignId, ct)
                ?? throw new CampaignNotFoundException(campaignId);
            if (row.Active != active)
            {
                if (active)
                {
                    await CheckVanityFreeAsync(db, row.VanityCode, row.Id, ct);
                }

                (row.Active, row.UpdatedAt) = (active, ShopCatalog.Microseconds(writes.Now));
                await SaveVanityAsync(db, row.VanityCode, ct);
            }

            return 0;
        }, cancellationToken);
        return await GetAsync(campaignId, cancellationToken);
    }

    public Task<PromoCampaign> GetAsync(long campaignId, CancellationToken cancellationToken) =>
        writes.RunAsync(async (db, ct) =>
        {
            var row = await db.PromoCampaigns.AsNoTracking().SingleOrDefaultAsync(c => c.Id == campaignId, ct)
                ?? throw new CampaignNotFoundException(campaignId);
            // The counts are read from the redemptions and the coins granted are their entries' sum (credits less revocations),
            // not counters: the stats cannot disagree with the ledger (only a capped campaign keeps a counter, for its cap). The
            // same tally as the budget's line.
            var tally = (await TallyAsync(db, db.PromoRedemptions.Where(r => r.CampaignId == campaignId), ct)).SingleOrDefault();
            return Describe(row, tally.Granted, tally.Redemptions, tally.Revoked);
        }, cancellationToken).AsTask();

    /// <summary>Every campaign's budget line, set-based: the coins its redemptions record (those not revoked) against the coins its
    /// entries granted (credits less revocations), and the promo entries no redemption names.</summary>
    public Task<PromoBudget> GetBudgetAsync(CancellationToken cancellationToken) =>
        writes.RunAsync(async (db, ct) =>
        {
            var tallies = await TallyAsync(db, db.PromoRedemptions, ct);
            var unlinked = await db.LedgerEntries.CountAsync(e => e.Source == EntrySource.Promo
                && !db.PromoRedemptions.Any(r => r.EntryId == e.Id), ct);
            var names = await db.PromoCampaigns.Select(c => new { c.Id, c.Name }).ToDictionaryAsync(c => c.Id, c => c.Name, ct);
            var lines = tallies.OrderBy(t => t.CampaignId).Select(t => new CampaignBudgetLine(t.CampaignId, names[t.CampaignId],
                t.Redemptions, t.Revoked, t.Recorded, t.Granted)).ToList();
            return new PromoBudget(lines, lines.Sum(l => l.CoinsGranted), unlinked);
        }, cancellationToken).AsTask();

    /// <summary>Per campaign of <paramref name="redemptions"/>, set-based: its redemptions, those revoked, the coins of those not
    /// revoked, and the coins its entries granted (the credits plus the revocations' debits).</summary>
    private static async Task<List<Tally>> TallyAsync(LedgerDbContext db, IQueryable<PromoRedemptionRow> redemptions,
        CancellationToken ct)
    {
        var rows = await redemptions.GroupBy(r => r.CampaignId).Select(g => new
        {
            g.Key, All = g.Count(), Revoked = g.Count(r => r.RevokedAt != null), Recorded = g.Sum(r => r.RevokedAt == null ? r.Coins : 0),
        }).ToListAsync(ct);
        var credits = await (from r in redemptions join e in db.LedgerEntries on r.EntryId equals (long?)e.Id
                             group e.Amount by r.CampaignId into g select new { g.Key, Sum = g.Sum() }).ToDictionaryAsync(g => g.Key,
            g => g.Sum, ct);
        var debits = await (from r in redemptions join e in db.LedgerEntries on r.ReversalEntryId equals (long?)e.Id
                            group e.Amount by r.CampaignId into g select new { g.Key, Sum = g.Sum() }).ToDictionaryAsync(g => g.Key,
            g => g.Sum, ct);
        return [.. rows.Select(r => new Tally(r.Key, r.All, r.Revoked, r.Recorded,
            checked(credits.GetValueOrDefault(r.Key) + debits.GetValueOrDefault(r.Key))))];
    }

    /// <summary>Generates <paramref name="count"/> single-use codes, stores their hashes and answers the codes once.</summary>
    public async Task<GeneratedCodes> GenerateAsync(long campaignId, int count, CancellationToken cancellationToken)
    {
        if (count is < 1 or > PromoLimits.CodesPerRequestMax)
        {
            throw new LedgerValidationException("count", $"A request generates 1 to {PromoLimits.CodesPerRequestMax} codes.");
        }

        var codes = new string[count];
        return await writes.RunAsync(async (db, ct) =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var changed = await db.PromoCampaigns.Where(c => c.Id == campaignId)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.CodesIssued, c => c.CodesIssued + count), ct);
            if (changed == 0)
            {
                throw new CampaignNotFoundException(campaignId);
            }

            var now = ShopCatalog.Microseconds(writes.Now);
            var hashes = new HashSet<string>(count, StringComparer.Ordinal);
            for (var i = 0; i < count; i++)
            {
                // 60 bits each: a repeat within a request is astronomically rare, and drawn again when it happens.
                do
                {
                    codes[i] = PromoCodes.Generate();
                }
                while (!hashes.Add(PromoCodes.Hash(codes[i])));
            }

            db.PromoCodes.AddRange(hashes.Select(h => new PromoCodeRow { Hash = h, CampaignId = campaignId, CreatedAt = now }));
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return new GeneratedCodes(campaignId, codes);
        }, cancellationToken);
    }

    private static async Task CheckVanityFreeAsync(LedgerDbContext db, string? vanity, long? self, CancellationToken ct)
    {
        if (vanity is not null && await db.PromoCampaigns.AnyAsync(c => c.Active && c.VanityCode == vanity && c.Id != self, ct))
        {
            throw new VanityCodeTakenException(vanity);
        }
    }

    /// <summary>Saves; two operators racing for one vanity code meet at the unique index, and the loser is told so.</summary>
    private static async Task SaveVanityAsync(LedgerDbContext db, string? vanity, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException) when (vanity is not null)
        {
            if (await db.PromoCampaigns.AsNoTracking().AnyAsync(c => c.Active && c.VanityCode == vanity, ct))
            {
                throw new VanityCodeTakenException(vanity);
            }

            throw;
        }
    }

    internal static PromoCampaign Describe(PromoCampaignRow r, long granted, int redeemed, int revoked) =>
        new(r.Id, r.Name, r.Coins, Parse(r.Items), Offset(r.StartsAt), Offset(r.EndsAt), r.MaxRedemptions, r.PerPlayerLimit,
            r.VanityCode, r.Active, r.CodesIssued, redeemed, revoked, granted, new DateTimeOffset(r.CreatedAt, TimeSpan.Zero));

    private static DateTimeOffset? Offset(DateTime? at) => at is { } t ? new DateTimeOffset(t, TimeSpan.Zero) : null;

    private static string? Format(IReadOnlyList<PromoItem> items) => items.Count == 0
        ? null
        : string.Join(',', items.Select(i => string.Create(CultureInfo.InvariantCulture, $"{i.Sku.Value}:{i.Quantity}")));

    internal static IReadOnlyList<PromoItemGrant> Parse(string? items) => items is null
        ? []
        : [.. items.Split(',').Select(p => p.Split(':'))
            .Select(p => new PromoItemGrant(p[0], int.Parse(p[1], CultureInfo.InvariantCulture)))];
}
