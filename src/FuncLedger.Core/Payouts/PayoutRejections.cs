using FuncLedger.Core.Domain;
using FuncLedger.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace FuncLedger.Core.Payouts;

/// <summary>The record of payout messages that can never succeed.</summary>
public interface IPayoutRejections
{
    /// <summary>Records a rejection once per message id; a second record of the same message is ignored.
    /// Returns false when the message was already recorded.</summary>
    Task<bool> RecordAsync(PayoutRejection rejection, CancellationToken cancellationToken = default);

    /// <summary>The newest rejections, newest first; with <paramref name="since"/>, only those rejected at or after it.</summary>
    Task<IReadOnlyList<PayoutRejection>> RecentAsync(
        int count, DateTimeOffset? since = null, CancellationToken cancellationToken = default);
}

internal sealed class PayoutRejections(LedgerUnitOfWork unitOfWork, TimeProvider time) : IPayoutRejections
{
    public async Task<bool> RecordAsync(PayoutRejection rejection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rejection);
        var row = new PayoutRejectionRow
        {
            MessageId = Truncate(rejection.MessageId, PayoutRejectionLimits.MessageIdLengthMax),
            AwardType = rejection.AwardType is null ? null : Truncate(rejection.AwardType, PayoutRejectionLimits.AwardTypeLengthMax),
            RegistrationId = rejection.RegistrationId,
            Place = rejection.Place,
            ReasonCode = Truncate(rejection.ReasonCode, PayoutRejectionLimits.ReasonCodeLengthMax),
            Detail = Truncate(rejection.Detail, PayoutRejectionLimits.DetailLengthMax),
            DequeueCount = rejection.DequeueCount,
            RejectedAt = time.GetUtcNow().UtcDateTime,
        };
        return await unitOfWork.RunAsync(async (db, ct) =>
        {
            if (await db.PayoutRejections.AnyAsync(r => r.MessageId == row.MessageId, ct))
            {
                return false;
            }

            db.PayoutRejections.Add(row);
            try
            {
                await db.SaveChangesAsync(ct);
                return true;
            }
            catch (DbUpdateException)
            {
                // A concurrent delivery of the same message recorded it first (the unique index decides).
                db.ChangeTracker.Clear();
                if (await db.PayoutRejections.AnyAsync(r => r.MessageId == row.MessageId, ct))
                {
                    return false;
                }

                throw;
            }
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<PayoutRejection>> RecentAsync(int count, DateTimeOffset? since = null,
        CancellationToken cancellationToken = default)
    {
        if (count is < 1 or > PayoutRejectionLimits.RecentMax)
        {
            throw new ArgumentOutOfRangeException(nameof(count), $"count must be 1 to {PayoutRejectionLimits.RecentMax}.");
        }

        var from = since?.UtcDateTime ?? DateTime.SpecifyKind(DateTime.MinValue, DateTimeKind.Utc);
        return await unitOfWork.RunAsync(async (db, ct) =>
            (IReadOnlyList<PayoutRejection>)await db.PayoutRejections.Where(r => r.RejectedAt >= from)
                .OrderByDescending(r => r.Id).Take(count)
                .Select(r => new PayoutRejection
                {
                    Id = r.Id, MessageId = r.MessageId, AwardType = r.AwardType, RegistrationId = r.RegistrationId, Place = r.Place,
                    ReasonCode = r.ReasonCode, Detail = r.Detail, DequeueCount = r.DequeueCount, RejectedAt = r.RejectedAt,
                })
                .ToListAsync(ct),
            cancellationToken);
    }

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];
}
