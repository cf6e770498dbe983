using FuncLedger.Core.Domain;
using FuncLedger.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace FuncLedger.Core.Operations;

/// <summary>Reading the ledger: balances (now and at an instant) and history (by offset, or by a signed cursor), with each
/// entry's reversal links.</summary>
internal sealed class LedgerQueries(LedgerWrites writes)
{
    // Compiled per instance: a compiled query is bound to one model, and one process may host several providers.
    private readonly Func<LedgerDbContext, long, Task<long>> _balanceQuery =
        EF.CompileAsyncQuery((LedgerDbContext db, long ownerId) =>
            db.Wallets.Where(w => w.OwnerId == ownerId).Select(w => w.CachedBalance).FirstOrDefault());

    // The last entry at or before the instant, by (wallet_id, created_at): one seek of that index. Entries are stamped under
    // the wallet's lock and never before its last change, so per wallet created_at follows the order they were applied.
    private readonly Func<LedgerDbContext, long, DateTime, Task<long>> _balanceAsOfQuery =
        EF.CompileAsyncQuery((LedgerDbContext db, long ownerId, DateTime asOf) =>
            db.LedgerEntries
                .Where(e => e.WalletId == db.Wallets.Where(w => w.OwnerId == ownerId).Select(w => w.Id).FirstOrDefault()
                    && e.CreatedAt <= asOf)
                .OrderByDescending(e => e.CreatedAt).ThenByDescending(e => e.Id)
                .Select(e => e.BalanceAfter)
                .FirstOrDefault());

    // Keyset paging: entries below an id, newest first, with the optional time window and sign; Take(limit + 1) tells
    // whether another page follows. Served by the (wallet_id, id) index.
    private readonly Func<LedgerDbContext, long, long, DateTime, DateTime, int, int, IAsyncEnumerable<HistoryItem>> _historyPageQuery =
        EF.CompileAsyncQuery((LedgerDbContext db, long ownerId, long beforeId, DateTime from, DateTime to, int sign, int take) =>
            db.LedgerEntries
                .Where(e => e.WalletId == db.Wallets.Where(w => w.OwnerId == ownerId).Select(w => w.Id).FirstOrDefault()
                    && e.Id < beforeId && e.CreatedAt >= from && e.CreatedAt < to
                    && (sign == 0 || (sign > 0 ? e.Amount > 0 : e.Amount < 0)))
                .OrderByDescending(e => e.Id)
                .Take(take)
                .Select(e => new HistoryItem(e.Id, e.Amount, e.BalanceAfter, e.Reason, e.CreatedAt, e.IdempotencyKey)
                {
                    Source = e.Source,
                }));

    private byte[]? _cursorKey;

    private readonly Func<LedgerDbContext, long, int, int, IAsyncEnumerable<HistoryItem>> _historyQuery =
        EF.CompileAsyncQuery((LedgerDbContext db, long ownerId, int offset, int limit) =>
            db.LedgerEntries
                .Where(e => e.WalletId == db.Wallets.Where(w => w.OwnerId == ownerId).Select(w => w.Id).FirstOrDefault())
                // The order entries were applied: ids follow the wallet's lock, while created_at comes from an app clock read
                // before the lock (and from several instances' clocks), so it can disagree with the balance_after chain.
                .OrderByDescending(e => e.Id)
                .Skip(offset).Take(limit)
                .Select(e => new HistoryItem(e.Id, e.Amount, e.BalanceAfter, e.Reason, e.CreatedAt, e.IdempotencyKey)
                {
                    Source = e.Source,
                }));

    public async Task<long> GetBalanceAsync(OwnerId owner, CancellationToken cancellationToken = default) =>
        await writes.RunAsync((db, ct) => _balanceQuery(db, owner.Value), cancellationToken);

    public async Task<long> GetBalanceAsync(OwnerId owner, DateTimeOffset asOf, CancellationToken cancellationToken = default) =>
        await writes.RunAsync((db, ct) => _balanceAsOfQuery(db, owner.Value, asOf.UtcDateTime), cancellationToken);

    public async Task<IReadOnlyList<HistoryItem>> GetHistoryAsync(
        OwnerId owner, int limit = LedgerLimits.HistoryLimitDefault, int offset = 0, CancellationToken cancellationToken = default)
    {
        (limit, offset) = LedgerInput.Page(limit, offset);
        return await writes.RunAsync(async (db, ct) =>
        {
            var items = new List<HistoryItem>(limit);
            await foreach (var item in _historyQuery(db, owner.Value, offset, limit).WithCancellation(ct))
            {
                items.Add(item);
            }

            return await LinkReversalsAsync(db, items, ct);
        }, cancellationToken);
    }

    public async Task<HistoryPage> GetHistoryPageAsync(OwnerId owner, HistoryQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        LedgerInput.Page(query.Limit, 0);
        var (from, to) = (query.From?.UtcDateTime ?? DateTime.SpecifyKind(DateTime.MinValue, DateTimeKind.Utc),
            query.To?.UtcDateTime ?? DateTime.SpecifyKind(DateTime.MaxValue, DateTimeKind.Utc));
        if (from > to)
        {
            throw new LedgerValidationException("from", "from must not be after to.");
        }

        return await writes.RunAsync(async (db, ct) =>
        {
            var key = _cursorKey ??= await CursorKeyAsync(db, ct);
            var beforeId = query.Cursor is null ? long.MaxValue : HistoryCursor.Decode(key, query.Cursor, owner.Value, query);
            var sign = query.Type switch { HistoryType.Credit => 1, HistoryType.Debit => -1, _ => 0 };
            var items = new List<HistoryItem>(query.Limit + 1);
            await foreach (var item in _historyPageQuery(db, owner.Value, beforeId, from, to, sign, query.Limit + 1).WithCancellation(ct))
            {
                items.Add(item);
            }

            var more = items.Count > query.Limit;
            if (more)
            {
                items.RemoveAt(query.Limit);
            }

            var next = more ? HistoryCursor.Encode(key, owner.Value, items[^1].Id, query) : null;
            return new HistoryPage(await LinkReversalsAsync(db, items, ct), next);
        }, cancellationToken);
    }

    /// <summary>The page's reversal links, both ways, in one more read (none when the page is empty).</summary>
    private static async Task<IReadOnlyList<HistoryItem>> LinkReversalsAsync(LedgerDbContext db, List<HistoryItem> items,
        CancellationToken ct)
    {
        if (items.Count == 0)
        {
            return items;
        }

        var ids = items.Select(i => i.Id).ToArray();
        var links = await db.Reversals.Where(r => ids.Contains(r.EntryId) || ids.Contains(r.OriginalEntryId))
            .OrderBy(r => r.EntryId).Select(r => new { r.EntryId, r.OriginalEntryId }).ToListAsync(ct);
        if (links.Count == 0)
        {
            return items;
        }

        return [.. items.Select(i => i with
        {
            Reverses = links.Find(l => l.EntryId == i.Id)?.OriginalEntryId,
            ReversedBy = [.. links.Where(l => l.OriginalEntryId == i.Id).Select(l => l.EntryId)],
        })];
    }

    private static async Task<byte[]> CursorKeyAsync(LedgerDbContext db, CancellationToken ct)
    {
        var value = await db.Set<LedgerSetting>().Where(s => s.Name == LedgerSetting.CursorKey).Select(s => s.Value)
            .FirstOrDefaultAsync(ct);
        return Convert.FromHexString(
            value ?? throw new LedgerInvariantException("the ledger's cursor key is missing: apply the migrations"));
    }
}
