using FuncLedger.Core.Domain;
using FuncLedger.Core.Idempotency;
using FuncLedger.Core.Payouts;
using FuncLedger.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace FuncLedger.Core.Operations;

/// <summary>The transactional core: turns each command into postings and runs them as one unit of work.</summary>
internal sealed partial class Ledger(LedgerUnitOfWork unitOfWork, TimeProvider time, LedgerHoldOptions holdOptions, ILogger<Ledger> logger)
    : ILedger
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
                .Select(e => new HistoryItem(e.Id, e.Amount, e.BalanceAfter, e.Reason, e.CreatedAt, e.IdempotencyKey)));

    private byte[]? _cursorKey;

    private readonly Func<LedgerDbContext, long, int, int, IAsyncEnumerable<HistoryItem>> _historyQuery =
        EF.CompileAsyncQuery((LedgerDbContext db, long ownerId, int offset, int limit) =>
            db.LedgerEntries
                .Where(e => e.WalletId == db.Wallets.Where(w => w.OwnerId == ownerId).Select(w => w.Id).FirstOrDefault())
                // The order entries were applied: ids follow the wallet's lock, while created_at comes from an app clock read
                // before the lock (and from several instances' clocks), so it can disagree with the balance_after chain.
                .OrderByDescending(e => e.Id)
                .Skip(offset).Take(limit)
                .Select(e => new HistoryItem(e.Id, e.Amount, e.BalanceAfter, e.Reason, e.CreatedAt, e.IdempotencyKey)));

    public Task<CreditResult> CreditAsync(CreditCommand command, CancellationToken cancellationToken = default) =>
        SingleAsync(LedgerOperation.Credit, command, cancellationToken);

    public Task<CreditResult> DebitAsync(DebitCommand command, CancellationToken cancellationToken = default) =>
        SingleAsync(LedgerOperation.Debit, command, cancellationToken);

    public async Task<TransferResult> TransferAsync(TransferCommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        var (from, to, amount, key) = (command.From.Value, command.To.Value, command.Amount.Value, command.Key?.Value);
        // Unkeyed, the two sides still get linked keys (an internal stem), so a reversal finds both and a retry replays.
        var stem = key ?? IdempotencyKeys.NewInternal();
        var fingerprint = RequestFingerprint.Compute(LedgerOperation.Transfer, from, to, amount, command.Reason, command.Meta);
        Posting[] postings =
        [
            new(0, from, -amount, command.Reason, IdempotencyKeys.TransferDebit(stem), fingerprint, command.Meta, CreateWallet: false),
            new(0, to, amount, command.Reason, IdempotencyKeys.TransferCredit(stem), fingerprint, command.Meta, CreateWallet: true),
        ];
        var posted = (await WriteAsync(postings, WriteRecord.Of(key, LedgerOperation.Transfer, fingerprint), cancellationToken)).Postings;
        var (debit, credit) = (posted[0], posted[1]);
        LogTransfer(logger, debit.WalletId, credit.WalletId, amount, debit.Replayed);
        return new TransferResult(debit.WalletId, credit.WalletId, debit.BalanceAfter, credit.BalanceAfter,
            debit.EntryId, credit.EntryId, key, Replayed(key, debit));
    }

    public async Task<PostingResult> PostAsync(PostingCommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        var key = command.Key?.Value;
        var stem = key ?? IdempotencyKeys.NewInternal();
        var fingerprint =
            RequestFingerprint.ComputePosting([.. command.Legs.Select(l => (l.Owner.Value, l.Amount))], command.Reason, command.Meta);
        var postings = new Posting[command.Legs.Count];
        for (var i = 0; i < postings.Length; i++)
        {
            var leg = command.Legs[i];
            // One group: the legs replay, conflict and fail together. Credited wallets are created on first use.
            postings[i] = new Posting(0, leg.Owner.Value, leg.Amount, command.Reason,
                IdempotencyKeys.PostingLeg(stem, i + 1), fingerprint, command.Meta, CreateWallet: leg.Amount > 0);
        }

        var written = await WriteAsync(postings, WriteRecord.Of(key, LedgerOperation.Posting, fingerprint, stem), cancellationToken);
        var posted = written.Postings;
        var postingId = written.PostingId ?? await unitOfWork.RunAsync((db, ct) => PostingIdAsync(db, stem, ct), cancellationToken);
        var legs = posted.Select((p, i) => new PostingLegResult(command.Legs[i].Owner.Value, p.WalletId, p.EntryId, command.Legs[i].Amount,
            p.BalanceAfter)).ToArray();
        LogPosting(logger, legs.Length, postingId, posted[0].Replayed);
        return new PostingResult(postingId, legs, key, Replayed(key, posted[0]));
    }

    /// <summary>The id of the posting whose legs carry <paramref name="stem"/> (a replay reads it).</summary>
    private static Task<long> PostingIdAsync(LedgerDbContext db, string stem, CancellationToken ct) =>
        db.Postings.Where(p => p.KeyStem == stem).Select(p => p.Id).SingleAsync(ct);

    public async Task<long> GetBalanceAsync(OwnerId owner, CancellationToken cancellationToken = default) =>
        await unitOfWork.RunAsync((db, ct) => _balanceQuery(db, owner.Value), cancellationToken);

    public async Task<long> GetBalanceAsync(OwnerId owner, DateTimeOffset asOf, CancellationToken cancellationToken = default) =>
        await unitOfWork.RunAsync((db, ct) => _balanceAsOfQuery(db, owner.Value, asOf.UtcDateTime), cancellationToken);

    public async Task<IReadOnlyList<HistoryItem>> GetHistoryAsync(
        OwnerId owner, int limit = LedgerLimits.HistoryLimitDefault, int offset = 0, CancellationToken cancellationToken = default)
    {
        (limit, offset) = LedgerInput.Page(limit, offset);
        return await unitOfWork.RunAsync(async (db, ct) =>
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

        return await unitOfWork.RunAsync(async (db, ct) =>
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

    public async Task<IReadOnlyList<CreditResult>> AwardAsync(IReadOnlyList<Award> awards, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(awards);
        if (awards.Count is 0 or > LedgerLimits.AwardBatchSizeMax)
        {
            throw new LedgerValidationException("awards", $"A batch holds 1 to {LedgerLimits.AwardBatchSizeMax} awards.");
        }

        var postings = new Posting[awards.Count];
        var keys = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < awards.Count; i++)
        {
            var award = awards[i];
            if (!keys.Add(award.Key))
            {
                throw new LedgerValidationException("awards", "A batch names the same award twice.");
            }

            postings[i] = CreditPosting(i, LedgerOperation.Credit, award.Owner, award.Amount, award.Reason, award.Key, award.Meta);
        }

        var posted = (await WriteAsync(postings, WriteRecord.None, cancellationToken)).Postings;
        return [.. posted.Select((p, i) => new CreditResult(p.WalletId, p.BalanceAfter, p.EntryId, postings[i].Key, p.Replayed))];
    }

    private async Task<CreditResult> SingleAsync(LedgerOperation operation, WalletCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var key = command.Key?.Value;
        var posting = CreditPosting(0, operation, command.Owner, command.Amount, command.Reason, key, command.Meta);
        var posted = (await WriteAsync([posting], WriteRecord.Of(key, operation, posting.Fingerprint!), ct)).Postings[0];
        LogPosted(logger, operation, posted.WalletId, command.Amount.Value, posted.Replayed);
        return new CreditResult(posted.WalletId, posted.BalanceAfter, posted.EntryId, key, Replayed(key, posted));
    }

    /// <summary>Whether the answer is another request's: only under a client's key. An unkeyed call's key is its own, so finding
    /// its entries means this call's own unit of work ran again after a commit whose answer was lost: its first answer.</summary>
    private static bool Replayed(string? key, Posted posted) => key is not null && posted.Replayed;

    /// <summary>A credit's or debit's posting. Unkeyed, it gets a key the ledger makes (<see cref="IdempotencyKeys.NewInternal"/>),
    /// once per call: a rerun of the unit of work after a commit whose answer was lost replays instead of writing again.</summary>
    private static Posting CreditPosting(
        int group, LedgerOperation operation, OwnerId owner, Coins amount, string reason, string? key, string? meta)
    {
        var fingerprint = RequestFingerprint.Compute(operation, owner.Value, 0, amount.Value, reason, meta);
        var credit = operation == LedgerOperation.Credit;
        return new Posting(group, owner.Value, credit ? amount.Value : -amount.Value, reason, key ?? IdempotencyKeys.NewInternal(),
            fingerprint, meta, CreateWallet: credit);
    }

    /// <summary>One unit of work; when a concurrent first request wins the race for a key, run once more to replay it.</summary>
    private Task<Written> WriteAsync(IReadOnlyList<Posting> postings, WriteRecord record, CancellationToken ct, IWriteHook? hook = null)
    {
        var store = unitOfWork.Store;
        var now = time.GetUtcNow().UtcDateTime;
        return RunReplayingKeyRaceAsync((db, c) => LedgerWriter.PostAsync(db, store, postings, record, now, c, hook), ct);
    }

    /// <summary>One unit of work; when a concurrent first request took its key (the insert lost the race), once more: the
    /// second run finds the key and replays it (or answers the conflict).</summary>
    private async Task<T> RunReplayingKeyRaceAsync<T>(Func<LedgerDbContext, CancellationToken, Task<T>> work, CancellationToken ct)
    {
        try
        {
            return await unitOfWork.RunAsync(work, ct);
        }
        catch (Exception e) when (unitOfWork.Store.Errors.IsKeyRace(e))
        {
            LogKeyRace(logger);
            return await unitOfWork.RunAsync(work, ct);
        }
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Debug,
        Message = "{Operation} on wallet {WalletId}: {Amount} coins (replayed: {Replayed})")]
    private static partial void LogPosted(ILogger logger, LedgerOperation operation, long walletId, long amount, bool replayed);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Debug,
        Message = "Transfer from wallet {FromWalletId} to wallet {ToWalletId}: {Amount} coins (replayed: {Replayed})")]
    private static partial void LogTransfer(ILogger logger, long fromWalletId, long toWalletId, long amount, bool replayed);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Debug,
        Message = "Posting {PostingId} of {Legs} legs (replayed: {Replayed})")]
    private static partial void LogPosting(ILogger logger, int legs, long postingId, bool replayed);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information,
        Message = "A concurrent request took the same idempotency key first; replaying it")]
    private static partial void LogKeyRace(ILogger logger);
}
