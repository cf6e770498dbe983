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
        if (expiresAt <= now || expiresAt > now.AddMinutes(holdOptions.MaxExpiryMinutes))
        {
            throw new LedgerValidationException("expiresAt",
                $"A hold expires in the future and within {holdOptions.MaxExpiryMinutes} minutes.");
        }

        var key = command.Key.Value;
        var fingerprint = RequestFingerprint.Compute(LedgerOperation.Hold, command.Owner.Value,
            command.ExpiresAt?.UtcDateTime.Ticks ?? 0, command.Amount.Value, command.Reason, command.Meta);
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

    private async Task<HoldResult> PlaceInTransactionAsync(LedgerDbContext db, long ownerId, Hold hold, DateTime now, CancellationToken ct)
    {
        var store = unitOfWork.Store;
        var (connection, transaction) = await LedgerTransaction.BeginAsync(db, ct);
        await using (transaction)
        {
            var (existing, wallets) = await store.LookupAndLock.ExecuteAsync(connection, transaction, [hold.IdempotencyKey], [ownerId],
                guarded: false, null, ct);
            if (existing.Count > 0)
            {
                var row = existing.OrderBy(r => r.Id).First();
                if (!string.Equals(row.Fingerprint, hold.RequestFingerprint, StringComparison.Ordinal))
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
                    await store.RecordRefusal.ExecuteAsync(connection, transaction, refusal, now, "", ct);
                    await transaction.CommitAsync(ct);
                    throw new InsufficientFundsException(wallet.Id, wallet.Balance - held, hold.Amount);
                }
            }

            hold.WalletId = wallet.Id;
            db.Holds.Add(hold);
            await db.SaveChangesAsync(ct);
            await db.Wallets.Where(w => w.Id == wallet.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(w => w.Held, w => w.Held + hold.Amount), ct);
            var result = await DescribeHoldAsync(db, hold.Id, now, ct);
            await transaction.CommitAsync(ct);
            return result;
        }
    }

    public async Task<CaptureResult> CaptureHoldAsync(CaptureCommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        var now = time.GetUtcNow().UtcDateTime;
        // The request's own terms (a null amount or reason stands for the hold's), so one round trip can carry it before
        // the hold is read.
        var fingerprint = RequestFingerprint.Compute(LedgerOperation.Capture, command.HoldId, command.To?.Value ?? 0,
            command.Amount?.Value ?? 0, command.Reason ?? "", null);
        try
        {
            if (unitOfWork.Store.OneRoundTripPost is { } one && await unitOfWork.RunAsync(
                (db, ct) => CaptureInOneRoundTripAsync(db, one, command, fingerprint, now, ct), cancellationToken) is { } done)
            {
                return done;
            }

            var hold = await unitOfWork.RunAsync((db, ct) => PendingHoldAsync(db, command.HoldId, now, ct), cancellationToken);
            var (amount, postings) = CapturePostings(command, hold.OwnerId, hold.Amount, hold.Reason, hold.Meta, fingerprint);
            var posted = await WriteAsync(postings, cancellationToken, new CaptureHook(new HoldRelease(hold.Id, amount, hold.ExpiresAt)));
            return Captured(command, amount, hold.Amount, posted);
        }
        catch (IdempotencyConflictException)
        {
            // A concurrent capture of this hold with other terms won: the hold is no longer pending.
            throw new HoldNotPendingException(command.HoldId, HoldStatus.Captured);
        }
    }

    /// <summary>A capture's checks against its hold (the amount within the hold's, another owner to pay) and its postings: the
    /// debit of the hold's owner, and the credit of the payee when there is one.</summary>
    private static (long Amount, List<Posting> Postings) CapturePostings(
        CaptureCommand command, long ownerId, long holdAmount, string holdReason, string? meta, string fingerprint)
    {
        var amount = command.Amount?.Value ?? holdAmount;
        if (amount > holdAmount)
        {
            throw new InvalidAmountException($"The capture amount exceeds the hold's {holdAmount} coins.");
        }

        if (command.To is { } to && to.Value == ownerId)
        {
            throw new InvalidWalletException(InvalidWalletReason.SelfTransfer, "A capture to another owner needs a different wallet.");
        }

        var reason = command.Reason ?? holdReason;
        List<Posting> postings =
            [new(0, ownerId, -amount, reason, IdempotencyKeys.HoldCapture(command.HoldId), fingerprint, meta, CreateWallet: false)];
        if (command.To is { } credited)
        {
            postings.Add(new(0, credited.Value, amount, reason, IdempotencyKeys.HoldCaptureCredit(command.HoldId), fingerprint, meta,
                CreateWallet: true));
        }

        return (amount, postings);
    }

    private static CaptureResult Captured(CaptureCommand command, long amount, long holdAmount, Posted[] posted) =>
        new(command.HoldId, amount, holdAmount - amount, posted[0].EntryId, posted[0].BalanceAfter,
            posted.Length > 1 ? posted[1].EntryId : null, command.To?.Value);

    public async Task<HoldResult> VoidHoldAsync(long holdId, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (unitOfWork.Store.OneRoundTripHold is { } one)
        {
            return await unitOfWork.RunAsync((db, ct) => VoidInOneRoundTripAsync(db, one, holdId, now, ct), cancellationToken);
        }

        return await unitOfWork.RunAsync(async (db, ct) =>
        {
            var hold = await PendingHoldAsync(db, holdId, now, ct);
            var (connection, transaction) = await LedgerTransaction.BeginAsync(db, ct);
            await using (transaction)
            {
                await unitOfWork.Store.LookupAndLock.ExecuteAsync(connection, transaction, [], [hold.OwnerId], guarded: false, null, ct);
                await ReleaseUnderLockAsync(db, hold.Id, HoldStatus.Voided, 0, now, ct);
                var result = await DescribeHoldAsync(db, hold.Id, now, ct);
                await transaction.CommitAsync(ct);
                return result;
            }
        }, cancellationToken);
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
        return Describe(hold, owner, wallet.Balance, wallet.Held, now);
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

    /// <summary>The hold, if it can still be captured or voided at <paramref name="now"/>.</summary>
    private static async Task<PendingHold> PendingHoldAsync(LedgerDbContext db, long holdId, DateTime now, CancellationToken ct)
    {
        var found = await db.Holds.Where(h => h.Id == holdId)
            .Join(db.Wallets, h => h.WalletId, w => w.Id,
                (h, w) => new { h.Id, w.OwnerId, h.Amount, h.Reason, h.Meta, h.Status, h.ExpiresAt })
            .FirstOrDefaultAsync(ct) ?? throw new HoldNotFoundException(holdId);
        CheckPending(found.Id, found.Status, found.ExpiresAt, now);
        return new PendingHold(found.Id, found.OwnerId, found.Amount, found.Reason, found.Meta, found.ExpiresAt);
    }

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

    /// <summary>Under the wallet's lock: the hold is checked pending again, marked <paramref name="status"/> with
    /// <paramref name="captured"/> coins, and its whole amount leaves the wallet's held coins. Returns its wallet and amount.</summary>
    internal static async Task<(long WalletId, long Amount)> ReleaseUnderLockAsync(
        LedgerDbContext db, long holdId, HoldStatus status, long captured, DateTime now, CancellationToken ct)
    {
        var hold = await db.Holds.Where(h => h.Id == holdId).Select(h => new { h.WalletId, h.Amount, h.Status, h.ExpiresAt })
            .SingleAsync(ct);
        CheckPending(holdId, hold.Status, hold.ExpiresAt, now);
        // Pending is checked again by the update itself: the wallet's lock orders every release, and this makes the rule hold
        // without it too (one row, or none and nothing released).
        var released = await db.Holds.Where(h => h.Id == holdId && h.Status == HoldStatus.Pending).ExecuteUpdateAsync(s => s
            .SetProperty(h => h.Status, status).SetProperty(h => h.Captured, captured).SetProperty(h => h.UpdatedAt, now), ct);
        Sql.Invariant(released == 1, "a pending hold was released by another transaction under its wallet's lock");
        await db.Wallets.Where(w => w.Id == hold.WalletId)
            .ExecuteUpdateAsync(s => s.SetProperty(w => w.Held, w => w.Held - hold.Amount), ct);
        return (hold.WalletId, hold.Amount);
    }

    /// <summary>A capture's work under the locks: the hold is released (its coins no longer held) before the debit is checked
    /// against the available balance, and linked to the debit entry after it. PostgreSQL's one-round-trip write does the same
    /// itself (<see cref="Release"/>); this runs on the general path.</summary>
    private sealed class CaptureHook(HoldRelease release) : IWriteHook
    {
        public HoldRelease Release => release;

        public async Task BeforeBalancesAsync(LedgerWriter.Step step, IReadOnlyDictionary<long, WalletRow> byOwner, CancellationToken ct)
        {
            var (walletId, released) = await ReleaseUnderLockAsync(step.Context, release.HoldId, HoldStatus.Captured, release.Captured,
                step.Now, ct);
            var wallet = byOwner.Values.Single(w => w.Id == walletId);
            wallet.Held -= released;
        }

        public async Task AfterWriteAsync(LedgerWriter.Step step, Posted[] result, CancellationToken ct) =>
            await step.Context.Holds.Where(h => h.Id == release.HoldId)
                .ExecuteUpdateAsync(s => s.SetProperty(h => h.CaptureEntryId, result[0].EntryId), ct);
    }
}
