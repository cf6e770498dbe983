using FuncLedger.Core.Domain;
using FuncLedger.Core.Persistence;
using FuncLedger.Core.Persistence.Commands;
using FuncLedger.Core.Persistence.Postgres;
using Microsoft.EntityFrameworkCore;

namespace FuncLedger.Core.Operations;

internal sealed partial class Ledger
{
    /// <summary>A hold placed as one command (<see cref="PostgresHoldCommand"/>): the answer is the hold as it stands (new or
    /// replayed) or the typed refusal, with the rules of <see cref="PlaceInTransactionAsync"/>.</summary>
    private static async Task<HoldResult> PlaceInOneRoundTripAsync(
        LedgerDbContext db, PostgresHoldCommand command, long ownerId, Hold hold, DateTime now, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        var row = await command.PlaceAsync(db.Database.GetDbConnection(), ownerId, hold, now, ct);
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

    /// <summary>A capture as one command (<see cref="PostgresPostCommand.CaptureAsync"/>): the client's key is checked, the
    /// hold read and checked as <see cref="CaptureHoldAsync"/>'s general path does, then <c>ledger_post</c> checks it again under
    /// its wallet's lock, releases it and writes (or replays a capture closed under <paramref name="closedKey"/>). Null when
    /// <c>ledger_post</c> declined (the general path runs).</summary>
    private static async Task<CaptureResult?> CaptureInOneRoundTripAsync(LedgerDbContext db, PostgresPostCommand command,
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

    /// <summary>A hold voided as one command (<see cref="PostgresHoldCommand.VoidAsync"/>), with the rules of
    /// <see cref="VoidHoldAsync"/>'s general path.</summary>
    private static async Task<HoldResult> VoidInOneRoundTripAsync(LedgerDbContext db, PostgresHoldCommand command, long holdId,
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
}
