using System.Data;
using System.Globalization;
using FuncLedger.Core.Domain;
using FuncLedger.Core.Idempotency;
using FuncLedger.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace FuncLedger.Core.Operations;

/// <summary>The transactional core. Validates at the edge, then runs each operation as one unit of work.</summary>
public sealed partial class Ledger(LedgerUnitOfWork unitOfWork, TimeProvider time, ILogger<Ledger> logger) : ILedger
{
    public const string ParticipationReason = "participation_award";
    public const string PlacementReason = "placement_award";

    // Compiled per instance: a compiled query is bound to one model, and one process may host several providers.
    private readonly Func<LedgerDbContext, long, Task<long>> _balanceQuery =
        EF.CompileAsyncQuery((LedgerDbContext db, long ownerId) =>
            db.Wallets.Where(w => w.OwnerId == ownerId).Select(w => w.CachedBalance).FirstOrDefault());

    private readonly Func<LedgerDbContext, long, int, int, IAsyncEnumerable<HistoryItem>> _historyQuery =
        EF.CompileAsyncQuery((LedgerDbContext db, long ownerId, int offset, int limit) =>
            db.LedgerEntries
                .Where(e => e.WalletId == db.Wallets.Where(w => w.OwnerId == ownerId).Select(w => w.Id).FirstOrDefault())
                .OrderByDescending(e => e.CreatedAt).ThenByDescending(e => e.Id)
                .Skip(offset).Take(limit)
                .Select(e => new HistoryItem(e.Id, e.Amount, e.BalanceAfter, e.Reason, e.CreatedAt, e.IdempotencyKey)));

    public Task<CreditResult> CreditAsync(long ownerId, long amount, string reason, string? idempotencyKey = null, string? meta = null, CancellationToken cancellationToken = default) =>
        SingleAsync(LedgerOperation.Credit, ownerId, amount, reason, idempotencyKey, meta, cancellationToken);

    public Task<CreditResult> DebitAsync(long ownerId, long amount, string reason, string? idempotencyKey = null, string? meta = null, CancellationToken cancellationToken = default) =>
        SingleAsync(LedgerOperation.Debit, ownerId, amount, reason, idempotencyKey, meta, cancellationToken);

    public async Task<TransferResult> TransferAsync(long fromOwnerId, long toOwnerId, long amount, string reason, string? idempotencyKey = null, string? meta = null, CancellationToken cancellationToken = default)
    {
        LedgerInput.OwnerId(fromOwnerId, "fromOwnerId");
        LedgerInput.OwnerId(toOwnerId, "toOwnerId");
        LedgerInput.Amount(amount);
        reason = LedgerInput.Reason(reason);
        idempotencyKey = LedgerInput.IdempotencyKey(idempotencyKey);
        meta = LedgerInput.Meta(meta);
        if (fromOwnerId == toOwnerId)
        {
            throw new InvalidWalletException(InvalidWalletReason.SelfTransfer, "A transfer needs two different wallets.");
        }

        var fingerprint = idempotencyKey is null ? null
            : RequestFingerprint.Compute(LedgerOperation.Transfer, fromOwnerId, toOwnerId, amount, reason, meta);
        Posting[] postings =
        [
            new(0, fromOwnerId, -amount, reason, idempotencyKey is null ? null : IdempotencyKeys.TransferDebit(idempotencyKey), fingerprint, meta, CreateWallet: false),
            new(0, toOwnerId, amount, reason, idempotencyKey is null ? null : IdempotencyKeys.TransferCredit(idempotencyKey), fingerprint, meta, CreateWallet: true),
        ];
        var posted = await PostAsync(postings, cancellationToken);
        var (debit, credit) = (posted[0], posted[1]);
        LogTransfer(logger, debit.WalletId, credit.WalletId, amount, debit.Replayed);
        return new TransferResult(debit.WalletId, credit.WalletId, debit.BalanceAfter, credit.BalanceAfter,
            debit.EntryId, credit.EntryId, idempotencyKey, debit.Replayed);
    }

    public async Task<long> GetBalanceAsync(long ownerId, CancellationToken cancellationToken = default)
    {
        LedgerInput.OwnerId(ownerId);
        return await unitOfWork.RunAsync((db, ct) => _balanceQuery(db, ownerId), cancellationToken);
    }

    public async Task<IReadOnlyList<HistoryItem>> GetHistoryAsync(long ownerId, int limit = LedgerLimits.HistoryLimitDefault, int offset = 0, CancellationToken cancellationToken = default)
    {
        LedgerInput.OwnerId(ownerId);
        (limit, offset) = LedgerInput.Page(limit, offset);
        return await unitOfWork.RunAsync(async (db, ct) =>
        {
            var items = new List<HistoryItem>(limit);
            await foreach (var item in _historyQuery(db, ownerId, offset, limit).WithCancellation(ct))
            {
                items.Add(item);
            }

            return (IReadOnlyList<HistoryItem>)items;
        }, cancellationToken);
    }

    public async Task<long> RecalculateAsync(long walletId, CancellationToken cancellationToken = default)
    {
        if (walletId <= 0)
        {
            throw new InvalidWalletException(InvalidWalletReason.NotFound, "The wallet id must be a positive integer.");
        }

        var dialect = unitOfWork.Dialect;
        var (before, after) = await unitOfWork.RunAsync(async (db, ct) =>
        {
            await db.Database.OpenConnectionAsync(ct);
            var connection = db.Database.GetDbConnection();
            await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);
            long cached, sum;
            await using (var read = connection.CreateCommand())
            {
                read.Transaction = transaction;
                read.CommandText = dialect.LockWalletWithLedgerSum;
                LedgerWriter.Add(read, "@id", walletId);
                await using var reader = await read.ExecuteReaderAsync(ct);
                var locked = await reader.ReadAsync(ct);
                await reader.NextResultAsync(ct);
                if (!locked || !await reader.ReadAsync(ct))
                {
                    throw new InvalidWalletException(InvalidWalletReason.NotFound, string.Create(CultureInfo.InvariantCulture, $"Wallet {walletId} does not exist."));
                }

                (cached, sum) = (reader.GetInt64(1), reader.GetInt64(3));
            }

            if (cached != sum)
            {
                await using var write = connection.CreateCommand();
                write.Transaction = transaction;
                write.CommandText = dialect.SetBalance;
                LedgerWriter.Add(write, "@id", walletId);
                LedgerWriter.Add(write, "@balance", sum);
                LedgerWriter.Add(write, "@now", time.GetUtcNow().UtcDateTime);
                await write.ExecuteNonQueryAsync(ct);
            }

            await transaction.CommitAsync(ct);
            return (cached, sum);
        }, cancellationToken);

        if (before != after)
        {
            LogRecalculated(logger, walletId, before, after);
        }

        return after;
    }

    public Task<CreditResult> AwardParticipationAsync(long registrationId, long ownerId, long amount, CancellationToken cancellationToken = default) =>
        SingleAsync(LedgerOperation.Credit, ownerId, amount, ParticipationReason, IdempotencyKeys.Participation(registrationId),
            string.Create(CultureInfo.InvariantCulture, $"{{\"registrationId\":{registrationId}}}"), cancellationToken);

    public Task<CreditResult> AwardPlacementAsync(long registrationId, int place, long ownerId, long amount, CancellationToken cancellationToken = default) =>
        SingleAsync(LedgerOperation.Credit, ownerId, amount, PlacementReason, IdempotencyKeys.Placement(registrationId, place),
            PlacementMeta(registrationId, place), cancellationToken);

    public Task<IReadOnlyList<CreditResult>> AwardPlacementsAsync(IReadOnlyList<PlacementAward> placements, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(placements);
        return AwardAsync([.. placements.Select(p => new Award(p.RegistrationId, p.Place, p.OwnerId, p.Amount))], cancellationToken);
    }

    public async Task<IReadOnlyList<CreditResult>> AwardAsync(IReadOnlyList<Award> awards, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(awards);
        if (awards.Count is 0 or > LedgerLimits.PlacementBatchSizeMax)
        {
            throw new LedgerValidationException("awards", $"A batch holds 1 to {LedgerLimits.PlacementBatchSizeMax} awards.");
        }

        var postings = new Posting[awards.Count];
        var keys = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < awards.Count; i++)
        {
            var award = awards[i];
            var (key, reason, meta) = award.Place is { } place
                ? (IdempotencyKeys.Placement(award.RegistrationId, place), PlacementReason, PlacementMeta(award.RegistrationId, place))
                : (IdempotencyKeys.Participation(award.RegistrationId), ParticipationReason,
                    string.Create(CultureInfo.InvariantCulture, $"{{\"registrationId\":{award.RegistrationId}}}"));
            if (!keys.Add(key))
            {
                throw new LedgerValidationException("awards", "A batch names the same award twice.");
            }

            postings[i] = CreditPosting(i, LedgerOperation.Credit, award.OwnerId, award.Amount, reason, key, meta);
        }

        var posted = await PostAsync(postings, cancellationToken);
        return [.. posted.Select((p, i) => new CreditResult(p.WalletId, p.BalanceAfter, p.EntryId, postings[i].Key, p.Replayed))];
    }

    private async Task<CreditResult> SingleAsync(LedgerOperation operation, long ownerId, long amount, string reason, string? key, string? meta, CancellationToken ct)
    {
        var posting = CreditPosting(0, operation, ownerId, amount, reason, key, meta);
        var posted = (await PostAsync([posting], ct))[0];
        LogPosted(logger, operation, posted.WalletId, amount, posted.Replayed);
        return new CreditResult(posted.WalletId, posted.BalanceAfter, posted.EntryId, posting.Key, posted.Replayed);
    }

    private static Posting CreditPosting(int group, LedgerOperation operation, long ownerId, long amount, string reason, string? key, string? meta)
    {
        LedgerInput.OwnerId(ownerId);
        LedgerInput.Amount(amount);
        reason = LedgerInput.Reason(reason);
        key = LedgerInput.IdempotencyKey(key);
        meta = LedgerInput.Meta(meta);
        var fingerprint = key is null ? null : RequestFingerprint.Compute(operation, ownerId, 0, amount, reason, meta);
        var credit = operation == LedgerOperation.Credit;
        return new Posting(group, ownerId, credit ? amount : -amount, reason, key, fingerprint, meta, CreateWallet: credit);
    }

    private static string PlacementMeta(long registrationId, int place) =>
        string.Create(CultureInfo.InvariantCulture, $"{{\"registrationId\":{registrationId},\"place\":{place}}}");

    /// <summary>One unit of work; when a concurrent first request wins the race for a key, run once more to replay it.</summary>
    private async Task<Posted[]> PostAsync(IReadOnlyList<Posting> postings, CancellationToken ct)
    {
        var dialect = unitOfWork.Dialect;
        var now = time.GetUtcNow().UtcDateTime;
        try
        {
            return await unitOfWork.RunAsync((db, c) => LedgerWriter.PostAsync(db, dialect, postings, now, c), ct);
        }
        catch (Exception e) when (dialect.IsIdempotencyKeyViolation(e))
        {
            LogKeyRace(logger);
            return await unitOfWork.RunAsync((db, c) => LedgerWriter.PostAsync(db, dialect, postings, now, c), ct);
        }
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Debug, Message = "{Operation} on wallet {WalletId}: {Amount} coins (replayed: {Replayed})")]
    private static partial void LogPosted(ILogger logger, LedgerOperation operation, long walletId, long amount, bool replayed);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Debug, Message = "Transfer from wallet {FromWalletId} to wallet {ToWalletId}: {Amount} coins (replayed: {Replayed})")]
    private static partial void LogTransfer(ILogger logger, long fromWalletId, long toWalletId, long amount, bool replayed);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "A concurrent request took the same idempotency key first; replaying it")]
    private static partial void LogKeyRace(ILogger logger);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "Wallet {WalletId} recalculated: cached {Before}, ledger {After}")]
    private static partial void LogRecalculated(ILogger logger, long walletId, long before, long after);
}
