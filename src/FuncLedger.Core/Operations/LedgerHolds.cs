using FuncLedger.Core.Domain;
using FuncLedger.Core.Idempotency;
using FuncLedger.Core.Persistence;
using FuncLedger.Core.Persistence.Commands;
using Microsoft.EntityFrameworkCore;

namespace FuncLedger.Core.Operations;

/// <summary>Holds (two-phase): reserve, capture (a debit or a transfer of part or all), void, release at expiry.</summary>
internal sealed partial class Ledger
{
    public async Task<HoldResult> PlaceHoldAsync(HoldCommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        var now = time.GetUtcNow().UtcDateTime;
        var expiresAt = command.ExpiresAt?.UtcDateTime ?? now.AddMinutes(holdOptions.DefaultExpiryMinutes);
        var key = command.Key.Value;
        var fingerprint = RequestFingerprint.Compute(LedgerOperation.Hold, command.Owner.Value,
            command.ExpiresAt?.UtcDateTime.Ticks ?? 0, command.Amount.Value, command.Reason, command.Meta);
        if (expiresAt <= now || expiresAt > now.AddMinutes(holdOptions.MaxExpiryMinutes))
        {
            // A retry of a hold placed (or refused) before answers as it did, even once the expiry it asked for has passed.
            return await unitOfWork.RunAsync((db, ct) => HoldByKeyAsync(db, key, fingerprint, now, ct), cancellationToken)
                ?? throw new LedgerValidationException("expiresAt",
                    $"A hold expires in the future and within {holdOptions.MaxExpiryMinutes} minutes.");
        }

        var owner = command.Owner.Value;
        // A new row for every attempt: a rerun after a failure must not insert the first attempt's row, whose identity EF set
        // (on SQL Server an explicit identity is error 544).
        Hold NewHold() => new()
        {
            Amount = command.Amount.Value, Reason = command.Reason, Meta = command.Meta, IdempotencyKey = key,
            RequestFingerprint = fingerprint, ExpiresAt = expiresAt, CreatedAt = now, UpdatedAt = now, Status = HoldStatus.Pending,
        };
        return await RunReplayingKeyRaceAsync((db, ct) => unitOfWork.Store.OneRoundTripHold is { } one
            ? PlaceInOneRoundTripAsync(db, one, owner, NewHold(), now, ct)
            : PlaceInTransactionAsync(db, owner, NewHold(), now, ct), cancellationToken);
    }

    /// <summary>The hold (replayed) or kept refusal (thrown again) of an earlier request under <paramref name="key"/>; a
    /// conflict when that request had other terms; null when the key holds neither.</summary>
    private static async Task<HoldResult?> HoldByKeyAsync(LedgerDbContext db, string key, string fingerprint, DateTime now,
        CancellationToken ct)
    {
        var hold = await db.Holds.Where(h => h.IdempotencyKey == key).Select(h => new { h.Id, h.RequestFingerprint })
            .FirstOrDefaultAsync(ct);
        var refused = hold is null
            ? await db.Set<KeyedRefusal>().Where(r => r.IdempotencyKey == key)
                .Select(r => new { r.WalletId, r.Balance, r.Amount, r.RequestFingerprint }).FirstOrDefaultAsync(ct)
            : null;
        var found = hold?.RequestFingerprint ?? refused?.RequestFingerprint;
        if (found is null)
        {
            return null;
        }

        if (!string.Equals(found, fingerprint, StringComparison.Ordinal))
        {
            throw new IdempotencyConflictException(key);
        }

        return hold is not null
            ? (await DescribeHoldAsync(db, hold.Id, now, ct)) with { Replayed = true }
            : throw new InsufficientFundsException(refused!.WalletId, refused.Balance, -refused.Amount) { Replayed = true };
    }

    private async Task<HoldResult> PlaceInTransactionAsync(LedgerDbContext db, long ownerId, Hold hold, DateTime now, CancellationToken ct)
    {
        var store = unitOfWork.Store;
        var (connection, transaction) = await LedgerTransaction.BeginAsync(db, ct);
        await using (transaction)
        {
            var (existing, wallets) = await store.LookupAndLock.ExecuteAsync(connection, transaction, [hold.IdempotencyKey], [ownerId],
                guarded: false, null, ct);
            var client = new ClientKeyWrite(hold.IdempotencyKey, LedgerOperation.Hold, hold.RequestFingerprint);
            if (existing.Count > 0)
            {
                // The key named a request already: this hold (replayed), its refusal (refused again), or any other (a conflict).
                existing = Replay.CheckClientKey(existing, client);
                Sql.Invariant(existing.Count > 0, "a hold's key is registered without its hold or refusal");
                var row = existing.OrderBy(r => r.Id).First();
                if (row.Id > 0 || !string.Equals(row.Fingerprint, hold.RequestFingerprint, StringComparison.Ordinal))
                {
                    throw new IdempotencyConflictException(hold.IdempotencyKey);
                }

                await transaction.RollbackAsync(ct);
                await db.Database.UseTransactionAsync(null, ct);
                return row.Id < 0
                    ? (await DescribeHoldAsync(db, -row.Id, now, ct)) with { Replayed = true }
                    : throw new InsufficientFundsException(row.WalletId, row.BalanceAfter, -row.Amount) { Replayed = true };
            }

            var wallet = wallets.SingleOrDefault()
                ?? throw new InvalidWalletException(InvalidWalletReason.NotFound, "The wallet does not exist.");
            if (wallet.Frozen)
            {
                throw new WalletFrozenException(wallet.Id);
            }

            if (!wallet.AllowOverdraft && wallet.Balance - wallet.Held < hold.Amount)
            {
                var held = await ActiveHeldCommand.ExecuteAsync(connection, transaction, wallet.Id, now, ct);
                if (wallet.Balance - held < hold.Amount)
                {
                    // Kept under the key like a refused debit: a retry under it is refused again.
                    var refusal = new RefusalWrite(hold.IdempotencyKey, hold.RequestFingerprint, wallet.Id, wallet.Balance - held,
                        -hold.Amount);
                    await store.RecordRefusal.ExecuteAsync(connection, transaction, refusal, client, now, "", ct);
                    await transaction.CommitAsync(ct);
                    throw new InsufficientFundsException(wallet.Id, wallet.Balance - held, hold.Amount);
                }
            }

            hold.WalletId = wallet.Id;
            db.Holds.Add(hold);
            db.ClientKeys.Add(Registered(client, now));
            await db.SaveChangesAsync(ct);
            await db.Wallets.Where(w => w.Id == wallet.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(w => w.Held, w => w.Held + hold.Amount), ct);
            var result = await DescribeHoldAsync(db, hold.Id, now, ct);
            await transaction.CommitAsync(ct);
            return result;
        }
    }

    public async Task<HoldResult> GetHoldAsync(long holdId, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return await unitOfWork.RunAsync((db, ct) => DescribeHoldAsync(db, holdId, now, ct), cancellationToken);
    }

    public async Task<WalletBalance> GetWalletAsync(OwnerId owner, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return await unitOfWork.RunAsync((db, ct) => WalletBalanceAsync(db, owner.Value, now, ct), cancellationToken);
    }

    private static async Task<WalletBalance> WalletBalanceAsync(LedgerDbContext db, long ownerId, DateTime now, CancellationToken ct)
    {
        var wallet = await db.Wallets.Where(w => w.OwnerId == ownerId)
            .Select(w => new
            {
                w.CachedBalance, w.Frozen, w.AllowOverdraft,
                Held = db.Holds.Where(h => h.WalletId == w.Id && h.Status == HoldStatus.Pending && h.ExpiresAt > now).Sum(h => h.Amount),
            })
            .FirstOrDefaultAsync(ct);
        return wallet is null
            ? new WalletBalance(ownerId, 0, 0, 0, Frozen: false, AllowOverdraft: false)
            : new WalletBalance(ownerId, wallet.CachedBalance, wallet.Held, wallet.CachedBalance - wallet.Held, wallet.Frozen,
                wallet.AllowOverdraft);
    }

    /// <summary>A hold as it stands; a pending hold past its expiry is reported expired (its coins are available again).</summary>
    private static async Task<HoldResult> DescribeHoldAsync(LedgerDbContext db, long holdId, DateTime now, CancellationToken ct)
    {
        var found = await db.Holds.Where(h => h.Id == holdId)
            .Join(db.Wallets, h => h.WalletId, w => w.Id, (h, w) => new { Hold = h, w.OwnerId })
            .FirstOrDefaultAsync(ct) ?? throw new HoldNotFoundException(holdId);
        var (hold, owner) = (found.Hold, found.OwnerId);
        var wallet = await WalletBalanceAsync(db, owner, now, ct);
        var creditKey = IdempotencyKeys.HoldCaptureCredit(holdId);
        var credit = hold.Status == HoldStatus.Captured
            ? await db.LedgerEntries.Where(e => e.IdempotencyKey == creditKey).Select(e => (long?)e.Id).FirstOrDefaultAsync(ct)
            : null;
        return Describe(hold, owner, wallet.Balance, wallet.Held, now) with { CreditTransactionId = credit };
    }

    /// <summary>A hold as it stands at <paramref name="now"/>, with its wallet's balance and held coins.</summary>
    private static HoldResult Describe(Hold hold, long ownerId, long balance, long held, DateTime now)
    {
        var status = hold.Status == HoldStatus.Pending && hold.ExpiresAt <= now ? HoldStatus.Expired : hold.Status;
        var released = status is HoldStatus.Pending ? 0 : hold.Amount - hold.Captured;
        return new HoldResult(hold.Id, ownerId, hold.WalletId, hold.Amount, status, hold.ExpiresAt, hold.Captured, released,
            hold.CaptureEntryId, balance, held, balance - held);
    }

    private readonly record struct PendingHold(long Id, long OwnerId, long Amount, string Reason, string? Meta, DateTime ExpiresAt);

    private sealed record HoldRow(long Id, long OwnerId, long Amount, string Reason, string? Meta, HoldStatus Status, DateTime ExpiresAt,
        string? ClosedKey);

    /// <summary>The hold and its owner, as read (no lock).</summary>
    private static async Task<HoldRow> HoldRowAsync(LedgerDbContext db, long holdId, CancellationToken ct) =>
        await db.Holds.Where(h => h.Id == holdId)
            .Join(db.Wallets, h => h.WalletId, w => w.Id,
                (h, w) => new HoldRow(h.Id, w.OwnerId, h.Amount, h.Reason, h.Meta, h.Status, h.ExpiresAt, h.ClosedKey))
            .FirstOrDefaultAsync(ct) ?? throw new HoldNotFoundException(holdId);

    /// <summary>Past its expiry a hold answers <see cref="HoldExpiredException"/> whether or not the timer released it yet; and
    /// once the timer released it (its coins no longer held), even where this instance's clock is behind the timer's: its
    /// coins must not be released twice.</summary>
    private static void CheckPending(long holdId, HoldStatus status, DateTime expiresAt, DateTime now)
    {
        if (status is not HoldStatus.Pending and not HoldStatus.Expired)
        {
            throw new HoldNotPendingException(holdId, status);
        }

        if (status is HoldStatus.Expired || expiresAt <= now)
        {
            throw new HoldExpiredException(holdId, expiresAt);
        }
    }
}
