using FuncLedger.Core.Domain;
using FuncLedger.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace FuncLedger.Core.Maintenance;

/// <summary>
/// Per-owner epochs of the players' history links: a link is signed with the epoch of its owner when issued and checked
/// against the current one, so an operator can revoke every link of one owner at once (a lost phone, a shared screenshot)
/// without rotating the app's secret, which would revoke everyone's.
/// </summary>
public interface IHistoryLinkEpochs
{
    /// <summary>The epoch the owner's links are issued under and checked against (0 until first revoked).</summary>
    Task<int> CurrentAsync(OwnerId owner, CancellationToken cancellationToken = default);

    /// <summary>Revokes every link issued so far for the owner (the epoch moves on), recorded with its actor (a key's id or an
    /// operator's name, never a key); the new epoch.</summary>
    Task<int> RevokeAsync(OwnerId owner, string actor, CancellationToken cancellationToken = default);
}

internal sealed class HistoryLinkEpochs(LedgerUnitOfWork unitOfWork, TimeProvider time) : IHistoryLinkEpochs
{
    public async Task<int> CurrentAsync(OwnerId owner, CancellationToken cancellationToken = default) =>
        await unitOfWork.RunAsync((db, ct) => db.HistoryLinkEpochs.Where(e => e.OwnerId == owner.Value).Select(e => e.Epoch)
            .FirstOrDefaultAsync(ct), cancellationToken);

    public async Task<int> RevokeAsync(OwnerId owner, string actor, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(actor) || actor.Length > WalletChanges.ActorLengthMax)
        {
            throw new LedgerValidationException("actor", $"An actor is 1 to {WalletChanges.ActorLengthMax} characters.");
        }

        var now = time.GetUtcNow().UtcDateTime;
        try
        {
            return await unitOfWork.RunAsync((db, ct) => MoveOnAsync(db, owner.Value, actor, now, ct), cancellationToken);
        }
        catch (DbUpdateException)
        {
            // A concurrent first revocation inserted the owner's row between this one's update and insert: move it on again.
            return await unitOfWork.RunAsync((db, ct) => MoveOnAsync(db, owner.Value, actor, now, ct), cancellationToken);
        }
    }

    private static async Task<int> MoveOnAsync(LedgerDbContext db, long ownerId, string actor, DateTime now, CancellationToken ct)
    {
        var moved = await db.HistoryLinkEpochs.Where(e => e.OwnerId == ownerId).ExecuteUpdateAsync(s => s
            .SetProperty(e => e.Epoch, e => e.Epoch + 1).SetProperty(e => e.RevokedAt, now).SetProperty(e => e.RevokedBy, actor), ct);
        if (moved == 0)
        {
            db.HistoryLinkEpochs.Add(new HistoryLinkEpoch { OwnerId = ownerId, Epoch = 1, RevokedAt = now, RevokedBy = actor });
            await db.SaveChangesAsync(ct);
        }

        return await db.HistoryLinkEpochs.Where(e => e.OwnerId == ownerId).Select(e => e.Epoch).FirstAsync(ct);
    }
}
