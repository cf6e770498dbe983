using FuncLedger.Core.Domain;
using FuncLedger.Core.Persistence;
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

    /// <summary>A hold voided as one command (<see cref="PostgresHoldCommand.VoidAsync"/>), with the rules of
    /// <see cref="VoidHoldAsync"/>'s general path.</summary>
    private static async Task<HoldResult> VoidInOneRoundTripAsync(
        LedgerDbContext db, PostgresHoldCommand command, long holdId, DateTime now, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        var row = await command.VoidAsync(db.Database.GetDbConnection(), holdId, now, ct);
        return row.Kind switch
        {
            HoldOutcome.Hold => Describe(row.Hold, row.OwnerId, row.Balance, row.Held, now),
            HoldOutcome.HoldNotPending => throw new HoldNotPendingException(holdId, row.Hold.Status),
            HoldOutcome.HoldExpired => throw new HoldExpiredException(holdId, row.Hold.ExpiresAt),
            _ => throw new HoldNotFoundException(holdId),
        };
    }
}
