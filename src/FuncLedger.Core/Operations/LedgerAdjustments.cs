using FuncLedger.Core.Domain;
using FuncLedger.Core.Idempotency;
using FuncLedger.Core.Persistence.Commands;

namespace FuncLedger.Core.Operations;

/// <summary>Operators' adjustments: the one movement that takes coins out of a frozen wallet, recorded as a wallet change.</summary>
internal sealed partial class Ledger
{
    public async Task<AdjustmentResult> AdjustAsync(AdjustmentCommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        var key = command.Key?.Value;
        var owner = command.Owner.Value;
        var fingerprint = RequestFingerprint.Compute(LedgerOperation.Adjustment, owner, 0, command.Amount, command.Reason, null);
        Posting[] postings =
        [
            new(0, owner, command.Amount, command.Reason, key ?? IdempotencyKeys.NewInternal(), fingerprint, null,
                CreateWallet: command.Amount > 0, Adjustment: true),
        ];
        var posted = (await WriteAsync(postings, WriteRecord.Of(key, LedgerOperation.Adjustment, fingerprint), cancellationToken,
            new AdjustmentHook(command))).Postings[0];
        return new AdjustmentResult(owner, posted.WalletId, posted.EntryId, command.Amount, posted.BalanceAfter, key,
            Replayed(key, posted));
    }

    /// <summary>Records the adjustment as a wallet change (actor, reason, entry) in its transaction.</summary>
    private sealed class AdjustmentHook(AdjustmentCommand command) : IWriteHook
    {
        public Task BeforeBalancesAsync(LedgerWriter.Step step, IReadOnlyDictionary<long, WalletRow> byOwner, CancellationToken ct) =>
            Task.CompletedTask;

        public async Task AfterWriteAsync(LedgerWriter.Step step, Posted[] result, CancellationToken ct)
        {
            step.Context.WalletChanges.Add(new WalletChange
            {
                WalletId = result[0].WalletId, Change = WalletChanges.Adjustment, Actor = command.Actor, Reason = command.Reason,
                EntryId = result[0].EntryId, CreatedAt = step.Now,
            });
            await step.Context.SaveChangesAsync(ct);
        }
    }
}
