using FuncLedger.Core.Domain;
using FuncLedger.Core.Persistence;
using FuncLedger.Core.Persistence.Commands;
using Microsoft.EntityFrameworkCore;
using static FuncLedger.Core.Operations.HoldReads;

namespace FuncLedger.Core.Operations;

/// <summary>Closing a hold: a capture (a debit or a transfer of part or all; the rest released) or a void, each under a key (the
/// client's, or one made once per call) recorded on the hold, so a retry replays and another request finds it closed.</summary>
internal sealed class HoldClosing(LedgerWrites writes)
{
    public async Task<CaptureResult> CaptureHoldAsync(CaptureCommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        var now = writes.Now;
        var key = command.Key?.Value;
        // The key that closes the hold: the client's, or one the ledger makes once per call, so a rerun of the unit of work after
        // a commit whose answer was lost finds the hold closed under it and replays.
        var closedKey = key ?? IdempotencyKeys.NewInternal();
        // The request's own terms (a null amount or reason stands for the hold's), so one round trip can carry it before
        // the hold is read.
        var fingerprint = RequestFingerprint.Compute(LedgerOperation.Capture, command.HoldId, command.To?.Value ?? 0,
            command.Amount?.Value ?? 0, command.Reason ?? "", null);
        var record = WriteRecord.Of(key, LedgerOperation.Capture, fingerprint);
        try
        {
            var captured = writes.Store.ServerWrites is { } one
                ? await writes.RunAsync(
                    (db, ct) => CaptureInOneRoundTripAsync(db, one, command, fingerprint, closedKey, record, now, ct), cancellationToken)
                : null;
            if (captured is null)
            {
                var hold = await writes.RunAsync(
                    (db, ct) => CapturableHoldAsync(db, command.HoldId, record, closedKey, now, ct), cancellationToken);
                var (amount, postings) = CapturePostings(command, hold.OwnerId, hold.Amount, hold.Reason, hold.Meta, fingerprint);
                var release = new HoldRelease(hold.Id, amount, hold.ExpiresAt, closedKey);
                var written = await writes.WriteAsync(postings, record, cancellationToken, new CaptureHook(release, fingerprint));
                captured = Captured(command, amount, hold.Amount, written.Postings);
            }

            // A replay answers from the capture's entries: they are this request's only when the hold was closed under its key
            // (another capture of the same terms, unkeyed or under another key, may have closed it in between).
            if (captured.Replayed && await writes.RunAsync((db, ct) => ClosedKeyAsync(db, command.HoldId, ct), cancellationToken)
                != closedKey)
            {
                throw new HoldNotPendingException(command.HoldId, HoldStatus.Captured);
            }

            return captured with { Replayed = key is not null && captured.Replayed };
        }
        catch (IdempotencyConflictException e) when (e.IdempotencyKey != key)
        {
            // A concurrent capture of this hold with other terms won: the hold is no longer pending.
            throw new HoldNotPendingException(command.HoldId, HoldStatus.Captured);
        }
    }

    private static Task<string?> ClosedKeyAsync(LedgerDbContext db, long holdId, CancellationToken ct) =>
        db.Holds.Where(h => h.Id == holdId).Select(h => h.ClosedKey).SingleAsync(ct);

    /// <summary>The hold a capture may take: pending and not expired, or captured already under the capture's own key (a retry,
    /// which the write replays from the capture's entries).</summary>
    private static async Task<PendingHold> CapturableHoldAsync(LedgerDbContext db, long holdId, WriteRecord record, string closedKey,
        DateTime now, CancellationToken ct)
    {
        await LedgerWrites.CheckRegisteredAsync(db, record, ct);
        var found = await ReadAsync(db, holdId, ct);
        if (found.Status != HoldStatus.Captured || found.ClosedKey != closedKey)
        {
            CheckPending(found.Id, found.Status, found.ExpiresAt, now);
        }

        return new PendingHold(found.Id, found.OwnerId, found.Amount, found.Reason, found.Meta, found.ExpiresAt);
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
            [new(0, ownerId, -amount, reason, IdempotencyKeys.HoldCapture(command.HoldId), fingerprint, meta,
                EntrySource.HoldCapture, CreateWallet: false)];
        if (command.To is { } credited)
        {
            postings.Add(new(0, credited.Value, amount, reason, IdempotencyKeys.HoldCaptureCredit(command.HoldId), fingerprint, meta,
                EntrySource.HoldCapture, CreateWallet: true));
        }

        return (amount, postings);
    }

    private static CaptureResult Captured(CaptureCommand command, long amount, long holdAmount, Posted[] posted) =>
        new(command.HoldId, amount, holdAmount - amount, posted[0].EntryId, posted[0].BalanceAfter,
            posted.Length > 1 ? posted[1].EntryId : null, command.To?.Value, posted[0].Replayed);

    /// <summary>A capture as one command (<see cref="IServerWrites.CaptureAsync"/>): the client's key is checked, the
    /// hold read and checked as <see cref="CaptureHoldAsync"/>'s general path does, then <c>ledger_post</c> checks it again under
    /// its wallet's lock, releases it and writes (or replays a capture closed under <paramref name="closedKey"/>). Null when
    /// <c>ledger_post</c> declined (the general path runs).</summary>
    private static async Task<CaptureResult?> CaptureInOneRoundTripAsync(LedgerDbContext db, IServerWrites command,
        CaptureCommand capture, string fingerprint, string closedKey, WriteRecord record, DateTime now, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        if (await command.CaptureAsync(db.Database.GetDbConnection(), capture, fingerprint, closedKey, record.Client is not null, now, ct)
            is not { } rows)
        {
            return null;
        }

        var hold = rows.Count > 0 ? rows[0] : throw new HoldNotFoundException(capture.HoldId);
        if (hold.Kind == PostOutcome.ClientKey)
        {
            throw new IdempotencyConflictException(closedKey);
        }

        var expiresAt = DateTime.UnixEpoch.AddTicks(hold.Balance * TimeSpan.TicksPerMicrosecond);
        if (rows.Count == 1)
        {
            // The function went no further than reading the hold: it is no longer pending (and not closed under this key), or
            // the capture's own terms do not fit it.
            CheckPending(capture.HoldId, (HoldStatus)hold.Index, expiresAt, now);
        }

        var (amount, postings) = CapturePostings(capture, hold.WalletId, hold.Id, hold.Key!, hold.Fingerprint, fingerprint);
        Sql.Invariant(rows.Count > 1, "ledger_capture did not write a capture its hold allows");
        var written = LedgerWriter.Answer(rows[1..], postings, record, new HoldRelease(capture.HoldId, amount, expiresAt, closedKey));
        // A capture's entries are one group: they replay or are written together, never some of each.
        Sql.Invariant(written is not null, "a capture's entries were found in part");
        return Captured(capture, amount, hold.Id, written!.Value.Postings);
    }

    public async Task<HoldResult> VoidHoldAsync(VoidCommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        var now = writes.Now;
        var key = command.Key?.Value;
        // As a capture's: the client's key, or one made once per call, recorded on the hold so a retry under it replays.
        var closedKey = key ?? IdempotencyKeys.NewInternal();
        var fingerprint = RequestFingerprint.Compute(LedgerOperation.Void, command.HoldId, 0, 0, "", null);
        var record = WriteRecord.Of(key, LedgerOperation.Void, fingerprint);
        if (writes.Store.ServerWrites is { } one)
        {
            return await writes.RunReplayingKeyRaceAsync(
                (db, ct) => VoidInOneRoundTripAsync(db, one, command.HoldId, closedKey, record, fingerprint, now, ct), cancellationToken);
        }

        return await writes.RunReplayingKeyRaceAsync(async (db, ct) =>
        {
            await LedgerWrites.CheckRegisteredAsync(db, record, ct);
            var hold = await ReadAsync(db, command.HoldId, ct);
            var (connection, transaction) = await LedgerTransaction.BeginAsync(db, ct);
            await using (transaction)
            {
                await writes.Store.LookupAndLock.ExecuteAsync(connection, transaction, [], [hold.OwnerId], guarded: false, null, ct);
                var released = await ReleaseUnderLockAsync(db, hold.Id, HoldStatus.Voided, 0, closedKey, fingerprint, now, ct);
                if (!released.Replayed && record.Client is { } client)
                {
                    db.ClientKeys.Add(LedgerWrites.Registered(client, now));
                    await db.SaveChangesAsync(ct);
                }

                var result = await DescribeHoldAsync(db, hold.Id, now, ct);
                await transaction.CommitAsync(ct);
                return result with { Replayed = key is not null && released.Replayed };
            }
        }, cancellationToken);
    }

    /// <summary>A hold voided as one command (<see cref="IServerWrites.VoidAsync"/>), with the rules of
    /// <see cref="VoidHoldAsync"/>'s general path.</summary>
    private static async Task<HoldResult> VoidInOneRoundTripAsync(LedgerDbContext db, IServerWrites command, long holdId,
        string closedKey, WriteRecord record, string fingerprint, DateTime now, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        var row = await command.VoidAsync(db.Database.GetDbConnection(), holdId, closedKey, fingerprint, record.Client is not null, now,
            ct);
        return row.Kind switch
        {
            HoldOutcome.Hold => Describe(row.Hold, row.OwnerId, row.Balance, row.Held, now) with
            {
                Replayed = record.Client is not null && row.Replayed,
            },
            HoldOutcome.Conflict => throw new IdempotencyConflictException(closedKey),
            HoldOutcome.HoldNotPending => throw new HoldNotPendingException(holdId, row.Hold.Status),
            HoldOutcome.HoldExpired => throw new HoldExpiredException(holdId, row.Hold.ExpiresAt),
            _ => throw new HoldNotFoundException(holdId),
        };
    }

    /// <summary>Under the wallet's lock: the hold is checked pending again, marked <paramref name="status"/> with
    /// <paramref name="captured"/> coins and closed under <paramref name="closedKey"/>, and its whole amount leaves the wallet's
    /// held coins. A hold closed with <paramref name="status"/> under that key already is a replay (nothing changes), or a
    /// conflict when the request's terms differ. Returns its wallet and amount.</summary>
    internal static async Task<(long WalletId, long Amount, bool Replayed)> ReleaseUnderLockAsync(LedgerDbContext db, long holdId,
        HoldStatus status, long captured, string closedKey, string fingerprint, DateTime now, CancellationToken ct)
    {
        var hold = await db.Holds.Where(h => h.Id == holdId)
            .Select(h => new { h.WalletId, h.Amount, h.Status, h.ExpiresAt, h.ClosedKey, h.ClosedFingerprint }).SingleAsync(ct);
        if (hold.Status == status && hold.ClosedKey == closedKey)
        {
            // The key is the client's, checked against the registry first (registered with the close, in one transaction), or one
            // made for this call: the request that closed the hold under it had these very terms.
            Sql.Invariant(string.Equals(hold.ClosedFingerprint, fingerprint, StringComparison.Ordinal),
                $"hold {holdId} was closed under this key with other terms");
            return (hold.WalletId, hold.Amount, true);
        }

        CheckPending(holdId, hold.Status, hold.ExpiresAt, now);
        // Pending is checked again by the update itself: the wallet's lock orders every release, and this makes the rule hold
        // without it too (one row, or none and nothing released).
        var released = await db.Holds.Where(h => h.Id == holdId && h.Status == HoldStatus.Pending).ExecuteUpdateAsync(s => s
            .SetProperty(h => h.Status, status).SetProperty(h => h.Captured, captured).SetProperty(h => h.UpdatedAt, now)
            .SetProperty(h => h.ClosedKey, closedKey).SetProperty(h => h.ClosedFingerprint, fingerprint), ct);
        Sql.Invariant(released == 1, "a pending hold was released by another transaction under its wallet's lock");
        await db.Wallets.Where(w => w.Id == hold.WalletId)
            .ExecuteUpdateAsync(s => s.SetProperty(w => w.Held, w => w.Held - hold.Amount), ct);
        return (hold.WalletId, hold.Amount, false);
    }

    /// <summary>A capture's work under the locks: the hold is released (its coins no longer held) before the debit is checked
    /// against the available balance, and linked to the debit entry after it. PostgreSQL's one-round-trip write does the same
    /// itself (<see cref="Release"/>); this runs on the general path.</summary>
    private sealed class CaptureHook(HoldRelease release, string fingerprint) : IWriteHook
    {
        public HoldRelease Release => release;

        public async Task BeforeBalancesAsync(LedgerWriter.Step step, IReadOnlyDictionary<long, WalletRow> byOwner, CancellationToken ct)
        {
            // Only a write reaches here (a retry under the capture's key replays from its entries before any lock).
            var (walletId, released, _) = await ReleaseUnderLockAsync(step.Context, release.HoldId, HoldStatus.Captured,
                release.Captured, release.ClosedKey, fingerprint, step.Now, ct);
            var wallet = byOwner.Values.Single(w => w.Id == walletId);
            wallet.Held -= released;
        }

        public async Task AfterWriteAsync(LedgerWriter.Step step, Posted[] result, CancellationToken ct) =>
            await step.Context.Holds.Where(h => h.Id == release.HoldId)
                .ExecuteUpdateAsync(s => s.SetProperty(h => h.CaptureEntryId, result[0].EntryId), ct);
    }
}
