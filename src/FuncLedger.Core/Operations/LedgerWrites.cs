using FuncLedger.Core.Domain;
using FuncLedger.Core.Persistence;
using FuncLedger.Core.Persistence.Commands;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace FuncLedger.Core.Operations;

/// <summary>
/// What every service of the ledger shares to write: the clock, the one unit of work (the one retry layer), the write flow
/// (<see cref="LedgerWriter"/>) with the rerun that replays a key a concurrent first request took, and the client-key rules
/// that sit beside it (a key registered by another request is a conflict; only a client's key makes a replay).
/// </summary>
internal sealed partial class LedgerWrites(LedgerUnitOfWork unitOfWork, TimeProvider time, ILogger<LedgerWrites> logger)
{
    public LedgerStore Store => unitOfWork.Store;

    /// <summary>The time a new operation is stamped with.</summary>
    public DateTime Now => time.GetUtcNow().UtcDateTime;

    /// <summary>One unit of work (<see cref="LedgerUnitOfWork.RunAsync{T}"/>).</summary>
    public ValueTask<T> RunAsync<T>(Func<LedgerDbContext, CancellationToken, Task<T>> work, CancellationToken ct) =>
        unitOfWork.RunAsync(work, ct);

    /// <summary>One unit of work; when a concurrent first request wins the race for a key, run once more to replay it.</summary>
    public Task<Written> WriteAsync(IReadOnlyList<Posting> postings, WriteRecord record, CancellationToken ct, IWriteHook? hook = null)
    {
        var now = Now;
        return RunReplayingKeyRaceAsync((db, c) => LedgerWriter.PostAsync(db, Store, postings, record, now, c, hook), ct);
    }

    /// <summary>One unit of work; when a concurrent first request took its key (the insert lost the race), once more: the
    /// second run finds the key and replays it (or answers the conflict).</summary>
    public async Task<T> RunReplayingKeyRaceAsync<T>(Func<LedgerDbContext, CancellationToken, Task<T>> work, CancellationToken ct)
    {
        try
        {
            return await unitOfWork.RunAsync(work, ct);
        }
        catch (Exception e) when (Store.Errors.IsKeyRace(e))
        {
            LogKeyRace(logger);
            return await unitOfWork.RunAsync(work, ct);
        }
    }

    /// <summary>A write with no entry (an items-only promo): in one transaction under the owner's wallet lock (the wallet created
    /// when missing), as every write of that owner takes it, with the client's key registered; a key that ran before, or that a
    /// concurrent first request took while this one waited for the lock, is answered by <paramref name="replay"/>.</summary>
    public Task<T> UnderOwnerLockAsync<T>(long owner, WriteRecord record, Func<LedgerDbContext, CancellationToken, Task<T>> replay,
        Func<LedgerWriter.Step, WalletRow, CancellationToken, Task<T>> work, CancellationToken ct) =>
        RunReplayingKeyRaceAsync(async (db, c) =>
        {
            var now = Now;
            var (connection, transaction) = await LedgerTransaction.BeginAsync(db, c);
            await using (transaction)
            {
                var (_, wallets) = await Store.LookupAndLock.ExecuteAsync(connection, transaction, [], [owner], guarded: false, null, c);
                var wallet = wallets.SingleOrDefault() ?? await Store.CreateOrLockWalletAsync(connection, transaction, owner, now, c);
                // The key under the lock: a first request under it that committed while this one waited is replayed, not refused.
                if (await CheckRegisteredAsync(db, record, c))
                {
                    return await replay(db, c);
                }

                var result = await work(new LedgerWriter.Step(db, connection, transaction, Store, now) { Record = record }, wallet, c);
                if (record.Client is { } client)
                {
                    db.ClientKeys.Add(Registered(client, now));
                    await db.SaveChangesAsync(c);
                }

                await transaction.CommitAsync(c);
                return result;
            }
        }, ct);

    /// <summary>A client key that named another request is a conflict, before anything else is looked at (as
    /// <c>ledger_capture</c> answers). True when the key names this same request (it ran before), false when it is free.</summary>
    public static async Task<bool> CheckRegisteredAsync(LedgerDbContext db, WriteRecord record, CancellationToken ct)
    {
        if (record.Client is not { } client
            || await db.ClientKeys.Where(c => c.IdempotencyKey == client.Key).Select(c => c.RequestFingerprint).FirstOrDefaultAsync(ct)
                is not { } registered)
        {
            return false;
        }

        return string.Equals(registered, client.Fingerprint, StringComparison.Ordinal)
            ? true
            : throw new IdempotencyConflictException(client.Key);
    }

    /// <summary>Whether the answer is another request's: only under a client's key. An unkeyed call's key is its own, so finding
    /// its entries means this call's own unit of work ran again after a commit whose answer was lost: its first answer.</summary>
    public static bool Replayed(string? key, Posted posted) => key is not null && posted.Replayed;

    /// <summary>A client key's row, registered with the operation it names.</summary>
    public static ClientKey Registered(ClientKeyWrite client, DateTime now) => new()
    {
        IdempotencyKey = client.Key, Operation = client.Operation, RequestFingerprint = client.Fingerprint, CreatedAt = now,
    };

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information,
        Message = "A concurrent request took the same idempotency key first; replaying it")]
    private static partial void LogKeyRace(ILogger logger);
}
