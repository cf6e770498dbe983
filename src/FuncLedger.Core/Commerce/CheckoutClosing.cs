using System.Globalization;
using FuncLedger.Core.Domain;
using FuncLedger.Core.Operations;
using FuncLedger.Core.Persistence;
using FuncLedger.Core.Persistence.Commands;
using Microsoft.EntityFrameworkCore;

namespace FuncLedger.Core.Commerce;

/// <summary>
/// Closing a checkout, once: a confirm captures its hold as one debit per line (keys <see cref="IdempotencyKeys.CheckoutLine"/>)
/// and, in the same transaction, buys every line (purchase rows, inventory grants; the stock was reserved when it opened); a
/// cancel voids the hold and gives the stock back. Both run under the buyer's wallet lock and close the checkout with a guarded
/// update under their key (the client's, or one made for the call), so of two racing requests exactly one wins; a retry under the
/// winner's key answers it again.
/// </summary>
internal sealed class CheckoutClosing(LedgerWrites writes, ShopCheckouts checkouts)
{
    public async Task<CheckoutResult> ConfirmAsync(long checkoutId, IdempotencyKey? clientKey, CancellationToken cancellationToken)
    {
        var key = clientKey?.Value;
        var closedKey = key ?? IdempotencyKeys.NewInternal();
        var fingerprint = RequestFingerprint.Compute(LedgerOperation.CheckoutConfirm, checkoutId, 0, 0, "", null);
        var record = WriteRecord.Of(key, LedgerOperation.CheckoutConfirm, fingerprint);
        var (checkout, lines, titles) = await ReadAsync(checkoutId, record, cancellationToken);
        if (checkout.Status == CheckoutStatus.Completed && checkout.ClosedKey == closedKey)
        {
            return await checkouts.GetAsync(checkoutId, cancellationToken) with { Replayed = key is not null };
        }

        await CheckOpenAsync(checkout, cancellationToken);
        var postings = lines.Select(l => new Posting(0, checkout.OwnerId, -checked(l.Price * l.Quantity),
            ShopPurchases.Reason(l.Quantity, titles[l.Sku]), IdempotencyKeys.CheckoutLine(checkoutId, l.Line), fingerprint,
            string.Create(CultureInfo.InvariantCulture,
                $$"""{"kind":"purchase","sku":"{{l.Sku}}","quantity":{{l.Quantity}},"price":{{l.Price}},"checkoutId":{{checkoutId}}}"""),
            EntrySource.Purchase, CreateWallet: false)).ToArray();
        var written = await writes.WriteAsync(postings, record, cancellationToken, new ConfirmHook(checkout, lines, titles, closedKey,
            fingerprint));
        var closedBy = await writes.RunAsync((db, ct) => db.Checkouts.Where(c => c.Id == checkoutId).Select(c => c.ClosedKey)
            .SingleAsync(ct), cancellationToken);
        if (written.Postings[0].Replayed && closedBy != closedKey)
        {
            // Another confirm (under another key, or unkeyed) closed it in between.
            throw new CheckoutNotPendingException(checkoutId, CheckoutStatus.Completed);
        }

        return await checkouts.GetAsync(checkoutId, cancellationToken) with { Replayed = key is not null && written.Postings[0].Replayed };
    }

    public async Task<CheckoutResult> CancelAsync(long checkoutId, IdempotencyKey? clientKey, CancellationToken cancellationToken)
    {
        var key = clientKey?.Value;
        var closedKey = key ?? IdempotencyKeys.NewInternal();
        var fingerprint = RequestFingerprint.Compute(LedgerOperation.CheckoutCancel, checkoutId, 0, 0, "", null);
        var record = WriteRecord.Of(key, LedgerOperation.CheckoutCancel, fingerprint);
        var (checkout, _, _) = await ReadAsync(checkoutId, record, cancellationToken);
        if (checkout.Status == CheckoutStatus.Cancelled && checkout.ClosedKey == closedKey)
        {
            return await checkouts.GetAsync(checkoutId, cancellationToken) with { Replayed = key is not null };
        }

        await CheckOpenAsync(checkout, cancellationToken);
        var now = writes.Now;
        var cancelled = await writes.RunReplayingKeyRaceAsync(async (db, ct) =>
        {
            var (connection, transaction) = await LedgerTransaction.BeginAsync(db, ct);
            await using var _ = transaction;
            await writes.Store.LookupAndLock.ExecuteAsync(connection, transaction, [], [checkout.OwnerId], guarded: false, null, ct);
            var state = await db.Checkouts.Where(c => c.Id == checkoutId).Select(c => new { c.Status, c.ClosedKey }).SingleAsync(ct);
            if (state.Status == CheckoutStatus.Cancelled && state.ClosedKey == closedKey)
            {
                return true;
            }

            if (state.Status != CheckoutStatus.Pending || checkout.ExpiresAt <= now)
            {
                throw state.Status == CheckoutStatus.Pending
                    ? new CheckoutExpiredException(checkoutId)
                    : new CheckoutNotPendingException(checkoutId, state.Status);
            }

            await HoldClosing.ReleaseUnderLockAsync(db, checkout.HoldId, HoldStatus.Voided, 0, closedKey, fingerprint, now, ct);
            Sql.Invariant(await ShopCheckouts.CloseAsync(db, checkoutId, CheckoutStatus.Cancelled, closedKey, now, ct),
                "a pending checkout was closed by another request under its wallet's lock");
            await ShopCheckouts.ReturnStockAsync(db, checkoutId, ct);
            if (record.Client is { } client)
            {
                db.ClientKeys.Add(LedgerWrites.Registered(client, now));
                await db.SaveChangesAsync(ct);
            }

            await transaction.CommitAsync(ct);
            return false;
        }, cancellationToken);
        return await checkouts.GetAsync(checkoutId, cancellationToken) with { Replayed = key is not null && cancelled };
    }

    /// <summary>The checkout, its lines and their items' titles, after the key's check (a key that named another request is a
    /// conflict).</summary>
    private async Task<(CheckoutRow Checkout, List<CheckoutLineRow> Lines, Dictionary<string, string> Titles)> ReadAsync(
        long checkoutId, WriteRecord record, CancellationToken cancellationToken) =>
        await writes.RunAsync(async (db, ct) =>
        {
            await LedgerWrites.CheckRegisteredAsync(db, record, ct);
            var checkout = await db.Checkouts.SingleOrDefaultAsync(c => c.Id == checkoutId, ct)
                ?? throw new CheckoutNotFoundException(checkoutId);
            var lines = await db.CheckoutLines.Where(l => l.CheckoutId == checkoutId).OrderBy(l => l.Line).ToListAsync(ct);
            var skus = lines.Select(l => l.Sku).ToArray();
            var titles = await db.ShopItems.Where(i => skus.Contains(i.Sku)).ToDictionaryAsync(i => i.Sku, i => i.Title, ct);
            return (checkout, lines, titles);
        }, cancellationToken);

    /// <summary>A checkout that can still be closed: pending and not expired (an expired one gives its stock back first).</summary>
    private async Task CheckOpenAsync(CheckoutRow checkout, CancellationToken cancellationToken)
    {
        if (checkout.Status != CheckoutStatus.Pending)
        {
            throw new CheckoutNotPendingException(checkout.Id, checkout.Status);
        }

        var now = writes.Now;
        if (checkout.ExpiresAt <= now)
        {
            await checkouts.ExpireAsync(checkout.Id, now, cancellationToken);
            throw new CheckoutExpiredException(checkout.Id);
        }
    }

    /// <summary>The shop's part of the confirm's transaction: under the buyer's lock the hold is released as captured (checked
    /// pending and not expired again), then the checkout is closed, the hold linked to the first debit, and every line bought.
    /// </summary>
    private sealed class ConfirmHook(CheckoutRow checkout, List<CheckoutLineRow> lines, Dictionary<string, string> titles,
        string closedKey, string fingerprint) : IWriteHook
    {
        public async Task BeforeBalancesAsync(LedgerWriter.Step step, IReadOnlyDictionary<long, WalletRow> byOwner, CancellationToken ct)
        {
            // Under the buyer's lock: a cancel (or the expiry) that closed it first wins.
            var status = await step.Context.Checkouts.Where(c => c.Id == checkout.Id).Select(c => c.Status).SingleAsync(ct);
            if (status != CheckoutStatus.Pending)
            {
                throw new CheckoutNotPendingException(checkout.Id, status);
            }

            var (walletId, released, _) = await HoldClosing.ReleaseUnderLockAsync(step.Context, checkout.HoldId, HoldStatus.Captured,
                checkout.Total, closedKey, fingerprint, step.Now, ct);
            byOwner.Values.Single(w => w.Id == walletId).Held -= released;
        }

        public async Task AfterWriteAsync(LedgerWriter.Step step, Posted[] result, CancellationToken ct)
        {
            var db = step.Context;
            if (!await ShopCheckouts.CloseAsync(db, checkout.Id, CheckoutStatus.Completed, closedKey, step.Now, ct))
            {
                // The expiry closed it between the hold's check and here (its expiry passed meanwhile).
                throw new CheckoutExpiredException(checkout.Id);
            }

            await db.Holds.Where(h => h.Id == checkout.HoldId)
                .ExecuteUpdateAsync(s => s.SetProperty(h => h.CaptureEntryId, result[0].EntryId), ct);
            var createdAt = ShopCatalog.Microseconds(step.Now);
            for (var i = 0; i < lines.Count; i++)
            {
                var line = lines[i];
                var purchase = new PurchaseRow
                {
                    OwnerId = checkout.OwnerId, WalletId = checkout.WalletId, Sku = line.Sku, Title = titles[line.Sku],
                    Quantity = line.Quantity, Price = line.Price, Total = checked(line.Price * line.Quantity), EntryId = result[i].EntryId,
                    IdempotencyKey = IdempotencyKeys.CheckoutLine(checkout.Id, line.Line), CreatedAt = createdAt,
                };
                db.Purchases.Add(purchase);
                await ShopInventory.GrantAsync(db, checkout.OwnerId, line.Sku, line.Quantity, step.Now, ct);
                await db.SaveChangesAsync(ct);
                await db.CheckoutLines.Where(l => l.CheckoutId == checkout.Id && l.Line == line.Line)
                    .ExecuteUpdateAsync(s => s.SetProperty(l => l.PurchaseId, purchase.Id), ct);
            }
        }
    }
}
