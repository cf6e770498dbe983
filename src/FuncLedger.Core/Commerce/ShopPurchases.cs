using System.Globalization;
using FuncLedger.Core.Domain;
using FuncLedger.Core.Operations;
using FuncLedger.Core.Persistence;
using FuncLedger.Core.Persistence.Commands;
using Microsoft.EntityFrameworkCore;

namespace FuncLedger.Core.Commerce;

/// <summary>
/// A purchase is one ledger write with the shop's rows in its transaction: the debit of price x quantity (the buyer's wallet
/// locked by the ledger's own flow), then under that lock the item's terms and the per-player limit are checked, the stock is
/// decremented by a guarded update, and the purchase row and the inventory grant are written; all of it commits or none. A
/// retry under the key answers the original purchase, even after the item's price changed or it went off sale. Where the
/// provider runs a purchase as one statement (PostgreSQL's <c>shop_purchase</c>, the same rules in the same order) that runs
/// first, and this general path only when it declines.
/// </summary>
internal sealed class ShopPurchases(LedgerWrites writes)
{
    public async Task<PurchaseResult> PurchaseAsync(PurchaseCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var (owner, sku, key) = (command.Owner.Value, command.Sku.Value, command.Key.Value);
        var total = command.Total;
        var fingerprint = RequestFingerprint.Compute(LedgerOperation.Purchase, owner, command.Quantity, total, sku, null);
        var record = WriteRecord.Of(key, LedgerOperation.Purchase, fingerprint);
        var meta = string.Create(CultureInfo.InvariantCulture,
            $$"""{"kind":"purchase","sku":"{{sku}}","quantity":{{command.Quantity}},"price":{{command.ExpectedPrice.Value}}}""");
        if (writes.Store.ServerWrites is { } server
            && await InOneRoundTripAsync(server, command, new(owner, sku, command.Quantity, command.ExpectedPrice.Value, total, key,
                fingerprint, meta), record, cancellationToken) is { } done)
        {
            return done;
        }

        var now = writes.Now;
        // The key first: a purchase made before answers as it was (a key of another request is a conflict), even when the
        // item's price or window changed since.
        var registered = false;
        var item = await writes.RunAsync(async (db, ct) =>
        {
            registered = await LedgerWrites.CheckRegisteredAsync(db, record, ct);
            return await db.ShopItems.AsNoTracking().SingleOrDefaultAsync(i => i.Sku == sku, ct);
        }, cancellationToken);
        if (registered && await writes.RunAsync((db, ct) => ShopQueries.PurchaseByKeyAsync(db, key, ct), cancellationToken) is { } made)
        {
            return made with { Replayed = true };
        }

        if (item is null)
        {
            throw new ItemNotFoundException(sku);
        }

        if (!registered)
        {
            // A kept refusal (insufficient funds) is registered without a purchase: the write answers it again.
            Check(item, command, now);
        }

        Posting[] debit =
        [
            new(0, owner, -total, Reason(command.Quantity, item.Title), key, fingerprint, meta, EntrySource.Purchase,
                CreateWallet: false),
        ];
        var hook = new PurchaseHook(command, now);
        var posted = (await writes.WriteAsync(debit, record, cancellationToken, hook)).Postings[0];
        if (hook.Purchase is { } row && !posted.Replayed)
        {
            return ShopQueries.Describe(row, posted.BalanceAfter);
        }

        // A concurrent first request under the key committed first: its purchase answers.
        return await writes.RunAsync((db, ct) => ShopQueries.PurchaseByKeyAsync(db, key, ct), cancellationToken) is { } original
            ? original with { Replayed = true }
            : throw new LedgerInvariantException($"purchase under a replayed key has no row (wallet {posted.WalletId})");
    }

    /// <summary>The purchase as one statement (<see cref="IServerWrites.PurchaseAsync"/>): its answer, or null when the statement
    /// declined or answered a replay of the debit alone (a concurrent first request's), which the general path reads.</summary>
    private async Task<PurchaseResult?> InOneRoundTripAsync(IServerWrites server, PurchaseCommand command, PurchaseCall call,
        WriteRecord record, CancellationToken cancellationToken)
    {
        var now = writes.Now;
        var rows = await writes.RunReplayingKeyRaceAsync(async (db, ct) =>
        {
            await db.Database.OpenConnectionAsync(ct);
            return await server.PurchaseAsync(db.Database.GetDbConnection(), call, now, ct);
        }, cancellationToken);
        if (rows is null)
        {
            return null;
        }

        var first = rows[0];
        switch (first.Kind)
        {
            case PostOutcome.ShopRefused:
                throw Refusal(first, call.Sku);
            case PostOutcome.BoughtBefore:
                return Describe(first, command, first.Index) with { Replayed = true };
            case PostOutcome.Written:
                return Describe(rows[^1], command, 0);
            default:
                // As ledger_post answered the debit: a refusal (kept under the key, or answered from it) or a conflict throws.
                Posting[] debit = [new(0, call.OwnerId, -call.Total, "", call.Key, call.Fingerprint, call.Meta, EntrySource.Purchase,
                    CreateWallet: false)];
                _ = LedgerWriter.Answer(rows, debit, record, null);
                return null;
        }
    }

    private static PurchaseResult Describe(PostRow bought, PurchaseCommand command, int refunded) =>
        new(bought.Id, command.Owner.Value, command.Sku.Value, bought.Key!, command.Quantity, command.ExpectedPrice.Value,
            command.Total, refunded, bought.WalletId, bought.Balance, command.Key.Value,
            DateTimeOffset.UnixEpoch.AddTicks(bought.Amount * TimeSpan.TicksPerMicrosecond));

    private static Exception Refusal(PostRow refused, string sku) => refused.Key switch
    {
        ShopErrorCodes.ItemNotFound => new ItemNotFoundException(sku),
        ShopErrorCodes.ItemUnavailable => new ItemUnavailableException(sku),
        ShopErrorCodes.PriceChanged => new PriceChangedException(sku, refused.Amount),
        ShopErrorCodes.OutOfStock => new OutOfStockException(sku, refused.Amount),
        ShopErrorCodes.PurchaseLimit => new PurchaseLimitException(sku, (int)refused.Amount, refused.Balance),
        _ => new LedgerInvariantException($"shop_purchase answered an unknown refusal '{refused.Key}'"),
    };

    /// <summary>The entry's reason as the player's history shows it: "Bought 2 x Golden frame" (or "Refund: 2 x ...").</summary>
    public static string Reason(int quantity, string title) => Reason("Bought", quantity, title);

    public static string Reason(string verb, int quantity, string title)
    {
        var reason = string.Create(CultureInfo.InvariantCulture, $"{verb} {quantity} x {title}");
        return reason.Length <= LedgerLimits.ReasonLengthMax ? reason : reason[..LedgerLimits.ReasonLengthMax];
    }

    private static void Check(ShopItemRow item, PurchaseCommand command, DateTime now) =>
        ShopCatalog.CheckTerms(item, command.ExpectedPrice.Value, command.Quantity, now);

    /// <summary>The shop's part of the purchase's transaction: the checks under the buyer's lock before the balances, the stock,
    /// the purchase row and the grant after the debit. State is per attempt: a rerun of the unit of work starts again.</summary>
    private sealed class PurchaseHook(PurchaseCommand command, DateTime now) : IWriteHook
    {
        private ShopItemRow? _item;

        public PurchaseRow? Purchase { get; private set; }

        public async Task BeforeBalancesAsync(LedgerWriter.Step step, IReadOnlyDictionary<long, WalletRow> byOwner, CancellationToken ct)
        {
            Purchase = null;
            var (db, sku, owner) = (step.Context, command.Sku.Value, command.Owner.Value);
            _item = await db.ShopItems.AsNoTracking().SingleAsync(i => i.Sku == sku, ct);
            Check(_item, command, now);
            if (_item.PerPlayerLimit is { } limit)
            {
                // Under the buyer's wallet lock: every purchase, refund and checkout of this owner waits for it, so the count is exact.
                var owned = await ShopInventory.CountedAsync(db, owner, sku, now, ct);
                if (owned + command.Quantity > limit)
                {
                    throw new PurchaseLimitException(sku, limit, owned);
                }
            }
        }

        public async Task AfterWriteAsync(LedgerWriter.Step step, Posted[] result, CancellationToken ct)
        {
            var (db, sku, owner, quantity, item) = (step.Context, command.Sku.Value, command.Owner.Value, command.Quantity, _item!);
            // Another buyer may have taken the last units between the check and here: the guarded update says so.
            await ShopInventory.TakeStockAsync(db, item, quantity, ct);
            var row = new PurchaseRow
            {
                OwnerId = owner, WalletId = result[0].WalletId, Sku = sku, Title = item.Title, Quantity = quantity,
                Price = command.ExpectedPrice.Value, Total = command.Total, EntryId = result[0].EntryId,
                IdempotencyKey = command.Key.Value, CreatedAt = ShopCatalog.Microseconds(step.Now),
            };
            db.Purchases.Add(row);
            await ShopInventory.GrantAsync(db, owner, sku, quantity, step.Now, ct);
            await db.SaveChangesAsync(ct);
            Purchase = row;
        }
    }
}
