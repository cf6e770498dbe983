using FuncLedger.Core.Domain;
using FuncLedger.Core.Persistence;
using FuncLedger.Core.Persistence.Commands;
using Microsoft.EntityFrameworkCore;
using static FuncLedger.Core.Operations.HoldReads;

namespace FuncLedger.Core.Operations;

/// <summary>Holds (two-phase), placing and reading: a hold reserves coins of a wallet until it expires, is captured or voided
/// (<see cref="HoldClosing"/>), or the expiry timer releases it (<see cref="HoldExpiry"/>).</summary>
internal sealed class Holds(LedgerWrites writes, LedgerHoldOptions holdOptions)
{
    public async Task<HoldResult> PlaceHoldAsync(HoldCommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        var now = writes.Now;
        var expiresAt = command.ExpiresAt?.UtcDateTime ?? now.AddMinutes(holdOptions.DefaultExpiryMinutes);
        var key = command.Key.Value;
        var fingerprint = RequestFingerprint.Compute(LedgerOperation.Hold, command.Owner.Value,
            command.ExpiresAt?.UtcDateTime.Ticks ?? 0, command.Amount.Value, command.Reason, command.Meta);
        if (expiresAt <= now || expiresAt > now.AddMinutes(holdOptions.MaxExpiryMinutes))
        {
            // A retry of a hold placed (or refused) before answers as it did, even once the expiry it asked for has passed.
            return await writes.RunAsync((db, ct) => HoldByKeyAsync(db, key, fingerprint, now, ct), cancellationToken)
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
        return await writes.RunReplayingKeyRaceAsync((db, ct) => writes.Store.ServerWrites is { } one
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

    /// <summary>A hold placed with another record's rows in its transaction (a checkout's): always the general path, the client's
    /// key registered as <paramref name="operation"/>, and <paramref name="hook"/> run under the wallet's lock after the hold is
    /// written and before the commit (its refusal rolls the hold back). The caller answers a retry under the key first.</summary>
    internal Task<HoldResult> PlaceWithAsync(long ownerId, Func<Hold> newHold, LedgerOperation operation, IHoldHook hook,
        CancellationToken cancellationToken)
    {
        var now = writes.Now;
        return writes.RunReplayingKeyRaceAsync((db, ct) => PlaceInTransactionAsync(db, ownerId, newHold(), now, ct, operation, hook),
            cancellationToken);
    }

    private async Task<HoldResult> PlaceInTransactionAsync(LedgerDbContext db, long ownerId, Hold hold, DateTime now, CancellationToken ct,
        LedgerOperation operation = LedgerOperation.Hold, IHoldHook? hook = null)
    {
        var store = writes.Store;
        var (connection, transaction) = await LedgerTransaction.BeginAsync(db, ct);
        await using (transaction)
        {
            var (existing, wallets) = await store.LookupAndLock.ExecuteAsync(connection, transaction, [hold.IdempotencyKey], [ownerId],
                guarded: false, null, ct);
            var client = new ClientKeyWrite(hold.IdempotencyKey, operation, hold.RequestFingerprint);
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
            db.ClientKeys.Add(LedgerWrites.Registered(client, now));
            await db.SaveChangesAsync(ct);
            await db.Wallets.Where(w => w.Id == wallet.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(w => w.Held, w => w.Held + hold.Amount), ct);
            if (hook is not null)
            {
                await hook.AfterPlacedAsync(db, hold, ct);
            }

            var result = await DescribeHoldAsync(db, hold.Id, now, ct);
            await transaction.CommitAsync(ct);
            return result;
        }
    }

    /// <summary>A hold placed as one command (<see cref="IServerWrites.PlaceHoldAsync"/>): the answer is the hold as it stands (new or
    /// replayed) or the typed refusal, with the rules of <see cref="PlaceInTransactionAsync"/>.</summary>
    private static async Task<HoldResult> PlaceInOneRoundTripAsync(
        LedgerDbContext db, IServerWrites command, long ownerId, Hold hold, DateTime now, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        var row = await command.PlaceHoldAsync(db.Database.GetDbConnection(), ownerId, hold, now, ct);
        return row.Kind switch
        {
            HoldOutcome.Hold => Describe(row.Hold, row.OwnerId, row.Balance, row.Held, now) with { Replayed = row.Replayed },
            HoldOutcome.Conflict => throw new IdempotencyConflictException(hold.IdempotencyKey),
            HoldOutcome.Insufficient => throw new InsufficientFundsException(row.Hold.WalletId, row.Balance, row.Hold.Amount)
            {
                Replayed = row.Replayed,
            },
            HoldOutcome.Frozen => throw new WalletFrozenException(row.Hold.WalletId),
            _ => throw new InvalidWalletException(InvalidWalletReason.NotFound, "The wallet does not exist."),
        };
    }

    public async Task<HoldResult> GetHoldAsync(long holdId, CancellationToken cancellationToken = default)
    {
        var now = writes.Now;
        return await writes.RunAsync((db, ct) => DescribeHoldAsync(db, holdId, now, ct), cancellationToken);
    }

    public async Task<WalletBalance> GetWalletAsync(OwnerId owner, CancellationToken cancellationToken = default)
    {
        var now = writes.Now;
        return await writes.RunAsync((db, ct) => WalletBalanceAsync(db, owner.Value, now, ct), cancellationToken);
    }
}
