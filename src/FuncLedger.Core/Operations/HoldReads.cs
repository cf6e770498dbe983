using FuncLedger.Core.Domain;
using FuncLedger.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace FuncLedger.Core.Operations;

/// <summary>A hold and its wallet as read, and the one rule of a hold that can still be captured or voided.</summary>
internal static class HoldReads
{
    internal static async Task<WalletBalance> WalletBalanceAsync(LedgerDbContext db, long ownerId, DateTime now, CancellationToken ct)
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
    internal static async Task<HoldResult> DescribeHoldAsync(LedgerDbContext db, long holdId, DateTime now, CancellationToken ct)
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
    internal static HoldResult Describe(Hold hold, long ownerId, long balance, long held, DateTime now)
    {
        var status = hold.Status == HoldStatus.Pending && hold.ExpiresAt <= now ? HoldStatus.Expired : hold.Status;
        var released = status is HoldStatus.Pending ? 0 : hold.Amount - hold.Captured;
        return new HoldResult(hold.Id, ownerId, hold.WalletId, hold.Amount, status, hold.ExpiresAt, hold.Captured, released,
            hold.CaptureEntryId, balance, held, balance - held);
    }

    internal readonly record struct PendingHold(long Id, long OwnerId, long Amount, string Reason, string? Meta, DateTime ExpiresAt);

    internal sealed record HoldRead(long Id, long OwnerId, long Amount, string Reason, string? Meta, HoldStatus Status, DateTime ExpiresAt,
        string? ClosedKey);

    /// <summary>The hold and its owner, as read (no lock).</summary>
    internal static async Task<HoldRead> ReadAsync(LedgerDbContext db, long holdId, CancellationToken ct) =>
        await db.Holds.Where(h => h.Id == holdId)
            .Join(db.Wallets, h => h.WalletId, w => w.Id,
                (h, w) => new HoldRead(h.Id, w.OwnerId, h.Amount, h.Reason, h.Meta, h.Status, h.ExpiresAt, h.ClosedKey))
            .FirstOrDefaultAsync(ct) ?? throw new HoldNotFoundException(holdId);

    /// <summary>Past its expiry a hold answers <see cref="HoldExpiredException"/> whether or not the timer released it yet; and
    /// once the timer released it (its coins no longer held), even where this instance's clock is behind the timer's: its
    /// coins must not be released twice.</summary>
    internal static void CheckPending(long holdId, HoldStatus status, DateTime expiresAt, DateTime now)
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
