using FuncLedger.Core.Domain;
using FuncLedger.Core.Operations;
using FuncLedger.Core.Persistence;
using FuncLedger.Core.Persistence.Commands;
using Microsoft.EntityFrameworkCore;

namespace FuncLedger.Core.Commerce;

/// <summary>
/// A player uses items it holds (a game consumed a boost, a ticket): under the owner's wallet lock, which every purchase and
/// refund of that owner takes, the units held are counted, taken out of the inventory and the use recorded, all or none. A
/// refund afterwards finds the units gone (<c>item_consumed</c>, unless forced). No coins move. A retry under the key answers
/// the first use; the key names this one operation, as every client key does.
/// </summary>
internal sealed class ShopConsumptions(LedgerWrites writes)
{
    public async Task<ConsumeResult> ConsumeAsync(ConsumeCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var (owner, sku, key) = (command.Owner.Value, command.Sku.Value, command.Key.Value);
        var fingerprint = RequestFingerprint.Compute(LedgerOperation.Consume, owner, 0, command.Quantity, sku, null);
        var record = WriteRecord.Of(key, LedgerOperation.Consume, fingerprint);
        if (await writes.RunAsync((db, ct) => LedgerWrites.CheckRegisteredAsync(db, record, ct), cancellationToken))
        {
            return await writes.RunAsync((db, ct) => ByKeyAsync(db, key, ct), cancellationToken) with { Replayed = true };
        }

        return await writes.UnderOwnerLockAsync(owner, record,
            async (db, ct) => await ByKeyAsync(db, key, ct) with { Replayed = true },
            async (step, _, ct) =>
            {
                var db = step.Context;
                var held = await ShopInventory.HeldAsync(db, owner, sku, ct);
                if (held < command.Quantity)
                {
                    // Units held name an item (the inventory's foreign key): the catalog is read only to tell a refusal's cause.
                    throw await db.ShopItems.AnyAsync(i => i.Sku == sku, ct)
                        ? new NotEnoughItemsException(sku, held, command.Quantity)
                        : new ItemNotFoundException(sku);
                }

                var taken = await ShopInventory.TakeAsync(db, owner, sku, command.Quantity, step.Now, ct);
                Sql.Invariant(taken == command.Quantity, "the units counted under the owner's lock were not there to take");
                var row = new ConsumptionRow
                {
                    OwnerId = owner, Sku = sku, Quantity = command.Quantity, Remaining = held - taken, IdempotencyKey = key,
                    RequestFingerprint = fingerprint, CreatedAt = step.Now,
                };
                db.Consumptions.Add(row);
                await db.SaveChangesAsync(ct);
                return Describe(row);
            }, cancellationToken);
    }

    private static async Task<ConsumeResult> ByKeyAsync(LedgerDbContext db, string key, CancellationToken ct) =>
        await db.Consumptions.AsNoTracking().SingleOrDefaultAsync(c => c.IdempotencyKey == key, ct) is { } row
            ? Describe(row)
            : throw new LedgerInvariantException("a use of items' key is registered without its row");

    private static ConsumeResult Describe(ConsumptionRow r) => new(r.Id, r.OwnerId, r.Sku, r.Quantity, r.Remaining, r.IdempotencyKey);
}
