using FuncLedger.Core.Domain;
using Microsoft.EntityFrameworkCore;

namespace FuncLedger.Core.Operations;

/// <summary>Releasing expired holds (the expiry timer). Their coins are available from <c>expiresAt</c> on whether or not this ran;
/// it marks them expired and brings the wallets' cached held coins back to their pending holds.</summary>
internal sealed class HoldExpiry(LedgerWrites writes)
{
    /// <summary>The most holds one release transaction marks.</summary>
    public const int ExpiryBatchMax = 500;

    public async Task<int> ReleaseExpiredHoldsAsync(CancellationToken cancellationToken = default)
    {
        var total = 0;
        int released;
        do
        {
            var now = writes.Now;
            released = await writes.RunAsync((db, ct) => ReleaseExpiredBatchAsync(db, now, ct), cancellationToken);
            total += released;
        }
        while (released == ExpiryBatchMax);
        return total;
    }

    private async Task<int> ReleaseExpiredBatchAsync(Persistence.LedgerDbContext db, DateTime now, CancellationToken ct)
    {
        var due = await db.Holds.Where(h => h.Status == HoldStatus.Pending && h.ExpiresAt <= now).OrderBy(h => h.ExpiresAt)
            .Take(ExpiryBatchMax)
            .Join(db.Wallets, h => h.WalletId, w => w.Id, (h, w) => new { h.Id, h.WalletId, w.OwnerId })
            .ToListAsync(ct);
        if (due.Count == 0)
        {
            return 0;
        }

        var (connection, transaction) = await Persistence.LedgerTransaction.BeginAsync(db, ct);
        await using var _ = transaction;
        // The wallets' locks first, in ascending id order like every write; then the holds, checked again under them.
        var owners = due.Select(d => d.OwnerId).Distinct().ToArray();
        await writes.Store.LookupAndLock.ExecuteAsync(connection, transaction, [], owners, guarded: false, null, ct);
        var ids = due.Select(d => d.Id).ToArray();
        var walletIds = due.Select(d => d.WalletId).Distinct().ToArray();
        var released = await db.Holds.Where(h => ids.Contains(h.Id) && h.Status == HoldStatus.Pending && h.ExpiresAt <= now)
            .ExecuteUpdateAsync(s => s.SetProperty(h => h.Status, HoldStatus.Expired).SetProperty(h => h.UpdatedAt, now), ct);
        await db.Wallets.Where(w => walletIds.Contains(w.Id)).ExecuteUpdateAsync(s => s.SetProperty(w => w.Held,
            w => db.Holds.Where(h => h.WalletId == w.Id && h.Status == HoldStatus.Pending).Sum(h => h.Amount)), ct);
        await transaction.CommitAsync(ct);
        return released;
    }
}
