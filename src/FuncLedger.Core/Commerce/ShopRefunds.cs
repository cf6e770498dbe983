using System.Globalization;
using FuncLedger.Core.Domain;
using FuncLedger.Core.Operations;
using FuncLedger.Core.Persistence;
using FuncLedger.Core.Persistence.Commands;
using Microsoft.EntityFrameworkCore;

namespace FuncLedger.Core.Commerce;

/// <summary>
/// An operator's refund is one ledger write (a credit of price x units to the buyer, whose wallet the ledger locks) with the
/// shop's rows in its transaction: under that lock the units left to refund and the units the buyer still holds are checked,
/// then the purchase counts the units refunded, the inventory gives them up, the stock gets them back and the refund is
/// recorded; all of it or none. Never more than was bought; a refund under the same key answers the first.
/// </summary>
internal sealed class ShopRefunds(LedgerWrites writes)
{
    public async Task<RefundResult> RefundAsync(RefundCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var key = command.Key.Value;
        var fingerprint = RequestFingerprint.Compute(LedgerOperation.Refund, command.PurchaseId, command.Quantity ?? 0,
            command.Force ? 1 : 0, command.Reason, null);
        var record = WriteRecord.Of(key, LedgerOperation.Refund, fingerprint);
        var (registered, purchase) = await writes.RunAsync(async (db, ct) => (await LedgerWrites.CheckRegisteredAsync(db, record, ct),
            await db.Purchases.AsNoTracking().SingleOrDefaultAsync(p => p.Id == command.PurchaseId, ct)), cancellationToken);
        if (registered)
        {
            return await writes.RunAsync((db, ct) => RefundByKeyAsync(db, key, ct), cancellationToken) with { Replayed = true };
        }

        if (purchase is null)
        {
            throw new PurchaseNotFoundException(command.PurchaseId);
        }

        var remaining = purchase.Quantity - purchase.RefundedQuantity;
        var quantity = command.Quantity ?? remaining;
        if (quantity == 0 || quantity > remaining)
        {
            throw new RefundExceedsPurchaseException(purchase.Id, remaining, quantity);
        }

        var coins = Coins.From(checked(purchase.Price * quantity)).Value;
        var reason = ShopPurchases.Reason("Refund:", quantity, purchase.Title);
        var meta = string.Create(CultureInfo.InvariantCulture,
            $$"""{"kind":"refund","sku":"{{purchase.Sku}}","quantity":{{quantity}},"purchaseId":{{purchase.Id}}}""");
        Posting[] credit =
        [
            new(0, purchase.OwnerId, coins, reason, key, fingerprint, meta, EntrySource.Refund, CreateWallet: true),
        ];
        var hook = new RefundHook(command, purchase, quantity, coins);
        var posted = (await writes.WriteAsync(credit, record, cancellationToken, hook)).Postings[0];
        return hook.Refund is { } row && !posted.Replayed
            ? Describe(row, purchase, posted.BalanceAfter)
            : await writes.RunAsync((db, ct) => RefundByKeyAsync(db, key, ct), cancellationToken) with { Replayed = true };
    }

    private static async Task<RefundResult> RefundByKeyAsync(LedgerDbContext db, string key, CancellationToken ct)
    {
        var found = await (from r in db.Refunds.AsNoTracking()
                           join p in db.Purchases on r.PurchaseId equals p.Id
                           join e in db.LedgerEntries on r.EntryId equals e.Id
                           where r.IdempotencyKey == key
                           select new { Refund = r, Purchase = p, e.BalanceAfter }).SingleOrDefaultAsync(ct);
        return found is null
            ? throw new LedgerInvariantException("a refund's key is registered without its refund")
            : Describe(found.Refund, found.Purchase, found.BalanceAfter);
    }

    private static RefundResult Describe(RefundRow r, PurchaseRow p, long balanceAfter) =>
        new(r.Id, p.Id, p.OwnerId, p.Sku, r.Quantity, r.Coins, r.Forced, r.EntryId, balanceAfter, r.IdempotencyKey);

    /// <summary>The shop's part of the refund's transaction, per attempt.</summary>
    private sealed class RefundHook(RefundCommand command, PurchaseRow purchase, int quantity, long coins) : IWriteHook
    {
        public RefundRow? Refund { get; private set; }

        public async Task BeforeBalancesAsync(LedgerWriter.Step step, IReadOnlyDictionary<long, WalletRow> byOwner, CancellationToken ct)
        {
            Refund = null;
            var db = step.Context;
            // Under the buyer's wallet lock: another refund of this purchase, or a purchase of the same buyer, waits for it.
            var refunded = await db.Purchases.Where(p => p.Id == purchase.Id).Select(p => p.RefundedQuantity).SingleAsync(ct);
            if (refunded + quantity > purchase.Quantity)
            {
                throw new RefundExceedsPurchaseException(purchase.Id, purchase.Quantity - refunded, quantity);
            }

            var held = await ShopInventory.HeldAsync(db, purchase.OwnerId, purchase.Sku, ct);
            if (held < quantity && !command.Force)
            {
                throw new ItemConsumedException(purchase.Id, held, quantity);
            }
        }

        public async Task AfterWriteAsync(LedgerWriter.Step step, Posted[] result, CancellationToken ct)
        {
            var db = step.Context;
            var changed = await db.Purchases.Where(p => p.Id == purchase.Id && p.RefundedQuantity + quantity <= p.Quantity)
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.RefundedQuantity, p => p.RefundedQuantity + quantity), ct);
            Sql.Invariant(changed == 1, "a refund's units were refunded under the buyer's lock by another request");
            var taken = await ShopInventory.TakeAsync(db, purchase.OwnerId, purchase.Sku, quantity, step.Now, ct);
            // The units taken back return to a limited stock; units the player consumed (a forced refund) do not.
            await ShopInventory.ReturnStockAsync(db, purchase.Sku, taken, ct);
            var row = new RefundRow
            {
                PurchaseId = purchase.Id, Quantity = quantity, Coins = coins, Forced = command.Force, Taken = (int)taken,
                Reason = command.Reason, Actor = command.Actor, EntryId = result[0].EntryId, IdempotencyKey = command.Key.Value,
                RequestFingerprint = step.Record.Client!.Value.Fingerprint, CreatedAt = step.Now,
            };
            db.Refunds.Add(row);
            await db.SaveChangesAsync(ct);
            Refund = row;
        }
    }
}
