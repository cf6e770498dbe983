using FuncLedger.Core.Domain;
using FuncLedger.Core.Operations;
using FuncLedger.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace FuncLedger.Core.Commerce;

/// <summary>
/// Checkouts (a cart paid in two phases), opened here: one ledger hold for the total with the shop's rows in its transaction
/// (under the buyer's wallet lock: each line's terms and per-player limit, the stock reserved by guarded updates, the checkout
/// and its lines). Confirming and cancelling are <see cref="CheckoutClosing"/>'s; a checkout past its expiry gives its stock
/// back when it is next read, closed, or the expiry timer runs.
/// </summary>
internal sealed class ShopCheckouts(LedgerWrites writes, Holds holds, LedgerHoldOptions holdOptions)
{
    public async Task<CheckoutResult> CreateAsync(CheckoutCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var (owner, key, total) = (command.Owner.Value, command.Key.Value, command.Total);
        var now = writes.Now;
        var fingerprint = RequestFingerprint.Compute(LedgerOperation.Checkout, owner, command.ExpiresAt?.UtcDateTime.Ticks ?? 0, total,
            command.LinesText(), null);
        var record = Persistence.Commands.WriteRecord.Of(key, LedgerOperation.Checkout, fingerprint);
        var skus = command.Lines.Select(l => l.Sku.Value).ToArray();
        var registered = false;
        var items = await writes.RunAsync(async (db, ct) =>
        {
            registered = await LedgerWrites.CheckRegisteredAsync(db, record, ct);
            return await db.ShopItems.Where(i => skus.Contains(i.Sku)).ToDictionaryAsync(i => i.Sku, ct);
        }, cancellationToken);
        if (registered && await writes.RunAsync((db, ct) => CheckoutIdByKeyAsync(db, key, ct), cancellationToken) is { } id)
        {
            return await GetAsync(id, cancellationToken) with { Replayed = true };
        }

        var expiresAt = command.ExpiresAt?.UtcDateTime ?? now.AddMinutes(holdOptions.DefaultExpiryMinutes);
        if (!registered)
        {
            foreach (var line in command.Lines)
            {
                Check(items.GetValueOrDefault(line.Sku.Value) ?? throw new ItemNotFoundException(line.Sku.Value), line, now);
            }

            if (expiresAt <= now || expiresAt > now.AddMinutes(holdOptions.MaxExpiryMinutes))
            {
                throw new LedgerValidationException("expiresAt",
                    $"A checkout expires in the future and within {holdOptions.MaxExpiryMinutes} minutes.");
            }
        }

        var hook = new OpenHook(command, now);
        Hold NewHold() => new()
        {
            Amount = total, Reason = "Checkout", Meta = """{"kind":"checkout"}""", IdempotencyKey = key, RequestFingerprint = fingerprint,
            ExpiresAt = expiresAt, CreatedAt = now, UpdatedAt = now, Status = HoldStatus.Pending,
        };
        var hold = await holds.PlaceWithAsync(owner, NewHold, LedgerOperation.Checkout, hook, cancellationToken);
        // The hook's checkout is this call's when the hold was placed here; a hold replayed (a concurrent first request under the
        // key won) is found by the key.
        var checkout = (hold.Replayed ? null : hook.CheckoutId)
            ?? await writes.RunAsync((db, ct) => CheckoutIdByKeyAsync(db, key, ct), cancellationToken)
            ?? throw new LedgerInvariantException($"hold {hold.HoldId} of a checkout has no checkout");
        return await GetAsync(checkout, cancellationToken) with { Replayed = hold.Replayed };
    }

    private static Task<long?> CheckoutIdByKeyAsync(LedgerDbContext db, string key, CancellationToken ct) =>
        db.Checkouts.Where(c => c.IdempotencyKey == key).Select(c => (long?)c.Id).SingleOrDefaultAsync(ct);

    private static void Check(ShopItemRow item, CheckoutLine line, DateTime now) =>
        ShopCatalog.CheckTerms(item, line.ExpectedPrice.Value, line.Quantity, now);

    /// <summary>The checkout as it stands; a pending one past its expiry gives its stock back first (and reads expired).</summary>
    public async Task<CheckoutResult> GetAsync(long checkoutId, CancellationToken cancellationToken)
    {
        var now = writes.Now;
        if (await writes.RunAsync((db, ct) => db.Checkouts.SingleOrDefaultAsync(c => c.Id == checkoutId, ct), cancellationToken)
            is not { } checkout)
        {
            throw new CheckoutNotFoundException(checkoutId);
        }

        if (checkout.Status == CheckoutStatus.Pending && checkout.ExpiresAt <= now)
        {
            await ExpireAsync(checkoutId, now, cancellationToken);
        }

        return await writes.RunAsync((db, ct) => DescribeAsync(db, checkoutId, ct), cancellationToken);
    }

    public static async Task<CheckoutResult> DescribeAsync(LedgerDbContext db, long checkoutId, CancellationToken ct)
    {
        var c = await db.Checkouts.SingleAsync(c => c.Id == checkoutId, ct);
        var lines = await db.CheckoutLines.Where(l => l.CheckoutId == checkoutId).OrderBy(l => l.Line)
            .Select(l => new CheckoutLineResult(l.Line, l.Sku, l.Quantity, l.Price, l.PurchaseId)).ToListAsync(ct);
        var ids = lines.Where(l => l.PurchaseId is not null).Select(l => l.PurchaseId!.Value).ToArray();
        var purchases = ids.Length == 0 ? [] : (await (from p in db.Purchases
                                                        join e in db.LedgerEntries on p.EntryId equals e.Id
                                                        where ids.Contains(p.Id)
                                                        orderby p.Id
                                                        select new { Purchase = p, e.BalanceAfter }).ToListAsync(ct))
            .Select(x => ShopQueries.Describe(x.Purchase, x.BalanceAfter)).ToList();
        return new CheckoutResult(c.Id, c.OwnerId, c.HoldId, c.Total, c.Status, new DateTimeOffset(c.ExpiresAt, TimeSpan.Zero), lines,
            purchases);
    }

    /// <summary>Marks every pending checkout past its expiry expired and gives its stock back (the expiry timer); returns how many.
    /// </summary>
    public async Task<int> ReleaseExpiredAsync(CancellationToken cancellationToken)
    {
        var now = writes.Now;
        var due = await writes.RunAsync((db, ct) => db.Checkouts.Where(c => c.Status == CheckoutStatus.Pending && c.ExpiresAt <= now)
            .OrderBy(c => c.ExpiresAt).Select(c => c.Id).Take(ShopLimits.CheckoutExpiryBatchMax).ToListAsync(ct), cancellationToken);
        var expired = 0;
        foreach (var id in due)
        {
            expired += await ExpireAsync(id, now, cancellationToken) ? 1 : 0;
        }

        return expired;
    }

    /// <summary>Expires one checkout and returns its reserved stock, in one transaction; false when it was closed first.</summary>
    public Task<bool> ExpireAsync(long checkoutId, DateTime now, CancellationToken cancellationToken) =>
        writes.RunAsync(async (db, ct) =>
        {
            var (_, transaction) = await LedgerTransaction.BeginAsync(db, ct);
            await using var _ = transaction;
            if (!await CloseAsync(db, checkoutId, CheckoutStatus.Expired, null, now, ct, expiredBy: now))
            {
                return false;
            }

            await ReturnStockAsync(db, checkoutId, ct);
            await transaction.CommitAsync(ct);
            return true;
        }, cancellationToken).AsTask();

    /// <summary>Moves a pending checkout to <paramref name="status"/> (guarded: one request wins); <paramref name="expiredBy"/>
    /// closes it only when it expired by then.</summary>
    public static async Task<bool> CloseAsync(LedgerDbContext db, long checkoutId, CheckoutStatus status, string? closedKey, DateTime now,
        CancellationToken ct, DateTime? expiredBy = null) =>
        await db.Checkouts.Where(c => c.Id == checkoutId && c.Status == CheckoutStatus.Pending
                && (expiredBy == null || c.ExpiresAt <= expiredBy))
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, status).SetProperty(c => c.ClosedKey, closedKey)
                .SetProperty(c => c.UpdatedAt, now), ct) == 1;

    /// <summary>Gives a checkout's reserved units back to their limited stock.</summary>
    public static async Task ReturnStockAsync(LedgerDbContext db, long checkoutId, CancellationToken ct)
    {
        foreach (var line in await db.CheckoutLines.Where(l => l.CheckoutId == checkoutId).ToListAsync(ct))
        {
            await ShopInventory.ReturnStockAsync(db, line.Sku, line.Quantity, ct);
        }
    }

    /// <summary>The shop's part of the hold's transaction, under the buyer's wallet lock: each line checked again, the per-player
    /// limit counting what the owner bought and holds in pending checkouts, the stock reserved, the checkout and its lines.</summary>
    private sealed class OpenHook(CheckoutCommand command, DateTime now) : IHoldHook
    {
        /// <summary>The checkout the last attempt wrote (null until it did: an attempt may roll back and run again).</summary>
        public long? CheckoutId { get; private set; }

        public async Task AfterPlacedAsync(LedgerDbContext db, Hold hold, CancellationToken ct)
        {
            CheckoutId = null;
            var owner = command.Owner.Value;
            foreach (var line in command.Lines)
            {
                var sku = line.Sku.Value;
                var item = await db.ShopItems.SingleOrDefaultAsync(i => i.Sku == sku, ct) ?? throw new ItemNotFoundException(sku);
                Check(item, line, now);
                if (item.PerPlayerLimit is { } limit)
                {
                    var owned = await ShopInventory.CountedAsync(db, owner, sku, now, ct);
                    if (owned + line.Quantity > limit)
                    {
                        throw new PurchaseLimitException(sku, limit, owned);
                    }
                }

                await ShopInventory.TakeStockAsync(db, item, line.Quantity, ct);
            }

            var checkout = new CheckoutRow
            {
                OwnerId = owner, WalletId = hold.WalletId, HoldId = hold.Id, Total = hold.Amount, Status = CheckoutStatus.Pending,
                ExpiresAt = hold.ExpiresAt, IdempotencyKey = hold.IdempotencyKey, RequestFingerprint = hold.RequestFingerprint,
                CreatedAt = now, UpdatedAt = now,
            };
            db.Checkouts.Add(checkout);
            await db.SaveChangesAsync(ct);
            db.CheckoutLines.AddRange(command.Lines.Select((l, i) => new CheckoutLineRow
            {
                CheckoutId = checkout.Id, Line = i + 1, Sku = l.Sku.Value, Quantity = l.Quantity, Price = l.ExpectedPrice.Value,
            }));
            await db.SaveChangesAsync(ct);
            CheckoutId = checkout.Id;
        }
    }
}
