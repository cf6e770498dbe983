using FuncLedger.Core.Domain;
using FuncLedger.Core.Persistence;
using FuncLedger.Core.Persistence.Commands;
using Microsoft.EntityFrameworkCore;

namespace FuncLedger.Core.Operations;

/// <summary>Reversals: compensating entries linked to the originals, never an edit. They are ordinary movements of coins: one
/// that debits a frozen wallet is refused (only an operator's adjustment moves coins out of it), and one that debits a wallet
/// needs its coins there (or overdraft).</summary>
internal sealed class Reversals(LedgerWrites writes)
{
    /// <summary>One entry of the transaction being reversed.</summary>
    internal sealed record Original(long Id, long WalletId, long OwnerId, long Amount, string? Key);

    public async Task<ReversalResult> ReverseAsync(ReverseCommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        var key = command.Key?.Value;
        var fingerprint = RequestFingerprint.Compute(LedgerOperation.Reversal, command.TransactionId, 0, command.Amount?.Value ?? 0,
            command.Reason, null);
        var record = WriteRecord.Of(key, LedgerOperation.Reversal, fingerprint);
        var (group, reversed, replay) = await writes.RunAsync(async (db, ct) =>
        {
            var again = await LedgerWrites.CheckRegisteredAsync(db, record, ct);
            var group = await TransactionGroupAsync(db, command.TransactionId, ct);
            return await WithReplayAsync(db, group, command.TransactionId, key, fingerprint, again, ct);
        }, cancellationToken);
        return replay ?? await ReverseGroupAsync(command.TransactionId, group, ReversalAmounts(command, group, reversed), command.Reason,
            key, fingerprint, record, cancellationToken);
    }

    public async Task<ReversalResult> ReversePostingAsync(ReversePostingCommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        var key = command.Key?.Value;
        var fingerprint = RequestFingerprint.Compute(LedgerOperation.PostingReversal, command.PostingId, 0, 0, command.Reason, null);
        var record = WriteRecord.Of(key, LedgerOperation.PostingReversal, fingerprint);
        var (group, reversed, replay) = await writes.RunAsync(async (db, ct) =>
        {
            var again = await LedgerWrites.CheckRegisteredAsync(db, record, ct);
            var posting = await db.Postings.Where(p => p.Id == command.PostingId).Select(p => new { p.KeyStem, p.Legs })
                .FirstOrDefaultAsync(ct) ?? throw new PostingNotFoundException(command.PostingId);
            var legKeys = Enumerable.Range(1, posting.Legs).Select(n => IdempotencyKeys.PostingLeg(posting.KeyStem, n)).ToArray();
            var group = await Originals(db, e => legKeys.Contains(e.IdempotencyKey!)).ToListAsync(ct);
            Sql.Invariant(group.Count == posting.Legs, $"posting {command.PostingId} has {group.Count} of its {posting.Legs} legs");
            group = [.. group.OrderBy(e => Array.IndexOf(legKeys, e.Key))];
            return await WithReplayAsync(db, group, group[0].Id, key, fingerprint, again, ct);
        }, cancellationToken);
        if (replay is not null)
        {
            return replay with { PostingId = command.PostingId };
        }

        // Every leg, what is left of it: all of it, or what earlier reversals of its two sides left (they move both alike).
        var amounts = group.Select((e, i) => Math.Abs(e.Amount) - reversed[i]).ToArray();
        if (Array.Exists(amounts, a => a == 0))
        {
            throw new ReversalExceedsOriginalException(group[0].Id, 0, group.Sum(e => Math.Abs(e.Amount)) / 2);
        }

        var result = await ReverseGroupAsync(group[0].Id, group, amounts, command.Reason, key, fingerprint, record, cancellationToken);
        return result with { PostingId = command.PostingId };
    }

    /// <summary>The compensating entries of <paramref name="group"/>, <paramref name="amounts"/> coins each, in one write: keyed
    /// <c>{stem}_leg_{n}</c> (the client's key, or a stem the ledger makes once per call, so a rerun after a lost answer
    /// replays and the reversal can be reversed whole in turn).</summary>
    private async Task<ReversalResult> ReverseGroupAsync(long transactionId, List<Original> group, long[] amounts, string reason,
        string? key, string fingerprint, WriteRecord record, CancellationToken ct)
    {
        var stem = key ?? IdempotencyKeys.NewInternal();
        var postings = group.Select((e, i) => new Posting(0, e.OwnerId, -Math.Sign(e.Amount) * amounts[i], reason,
            IdempotencyKeys.PostingLeg(stem, i + 1), fingerprint, null, EntrySource.Reversal,
            CreateWallet: false)).ToArray();
        var posted = (await writes.WriteAsync(postings, record, ct, new ReversalHook(transactionId, group, amounts))).Postings;
        return Reversal(transactionId, group, posted, [.. postings.Select(p => p.Delta)], key);
    }

    private static ReversalResult Reversal(long transactionId, List<Original> group, Posted[] posted, long[] deltas, string? key)
    {
        var legs = posted.Select((p, i) => new ReversalLegResult(group[i].OwnerId, p.WalletId, p.EntryId, deltas[i], p.BalanceAfter,
            group[i].Id)).ToArray();
        // Coins moved back: one entry's amount; for sides that sum to zero, half of what moved.
        var amount = group.Count == 1 ? Math.Abs(deltas[0]) : deltas.Sum(Math.Abs) / 2;
        return new ReversalResult(legs[0].TransactionId, transactionId, amount, legs, key, LedgerWrites.Replayed(key, posted[0]));
    }

    /// <summary>Coins per original entry: the request's amount (what is left when none) for one entry or a transfer's two
    /// sides; every leg whole for a posting of more than two legs.</summary>
    private static long[] ReversalAmounts(ReverseCommand command, List<Original> group, List<long> reversed)
    {
        var remaining = group.Select((e, i) => Math.Abs(e.Amount) - reversed[i]).ToArray();
        var left = remaining.Min();
        if (group.Count > 2)
        {
            var whole = group.Sum(e => Math.Abs(e.Amount)) / 2;
            if (command.Amount is { } part && part.Value != whole)
            {
                throw new LedgerValidationException("amount", "A posting of more than two legs is reversed whole: omit the amount.");
            }

            return reversed.Any(r => r > 0) ? throw new ReversalExceedsOriginalException(command.TransactionId, 0, whole) : remaining;
        }

        var amount = command.Amount?.Value ?? left;
        return amount > left || amount == 0
            ? throw new ReversalExceedsOriginalException(command.TransactionId, left, amount)
            : [.. group.Select(_ => amount)];
    }

    /// <summary>The coins reversed so far of each entry of <paramref name="group"/>, in its order.</summary>
    private static async Task<List<long>> ReversedAsync(LedgerDbContext db, List<Original> group, CancellationToken ct)
    {
        var ids = group.Select(e => e.Id).ToArray();
        var sums = await db.Reversals.Where(r => ids.Contains(r.OriginalEntryId)).GroupBy(r => r.OriginalEntryId)
            .Select(g => new { g.Key, Sum = g.Sum(r => r.Amount) }).ToDictionaryAsync(g => g.Key, g => g.Sum, ct);
        return [.. group.Select(e => sums.GetValueOrDefault(e.Id))];
    }

    private static IQueryable<Original> Originals(LedgerDbContext db, System.Linq.Expressions.Expression<Func<LedgerEntry, bool>> which) =>
        db.LedgerEntries.Where(which).Join(db.Wallets, e => e.WalletId, w => w.Id,
            (e, w) => new Original(e.Id, e.WalletId, w.OwnerId, e.Amount, e.IdempotencyKey));

    /// <summary>The entries the transaction is made of: one entry; a transfer's or a capture's two sides; a posting's legs.</summary>
    private static async Task<List<Original>> TransactionGroupAsync(LedgerDbContext db, long transactionId, CancellationToken ct)
    {
        var entry = await Originals(db, e => e.Id == transactionId).FirstOrDefaultAsync(ct)
            ?? throw new TransactionNotFoundException(transactionId);
        var siblings = IdempotencyKeys.TransactionKeys(entry.Key);
        List<Original> group = siblings.Length <= 1
            ? [entry]
            : await Originals(db, e => siblings.Contains(e.IdempotencyKey!)).ToListAsync(ct);
        return [.. group.OrderBy(e => Array.IndexOf(siblings, e.Key))];
    }

    /// <summary>The coins each entry of <paramref name="group"/> had reversed so far; or, when the key already holds this
    /// reversal, its original result (a conflict when it holds other entries or terms); or, when this same request ran before
    /// (<paramref name="again"/>) and was refused for funds, that refusal again, before what is left is checked anew.</summary>
    private static async Task<(List<Original>, List<long>, ReversalResult?)> WithReplayAsync(LedgerDbContext db, List<Original> group,
        long transactionId, string? key, string fingerprint, bool again, CancellationToken ct)
    {
        var reversed = await ReversedAsync(db, group, ct);
        if (key is null)
        {
            return (group, reversed, null);
        }

        // A replay is answered from its own entries: what is left to reverse has changed since the first request.
        var legKeys = Enumerable.Range(1, group.Count).Select(n => IdempotencyKeys.PostingLeg(key, n)).ToArray();
        var written = await db.LedgerEntries.Where(e => legKeys.Contains(e.IdempotencyKey!))
            .Select(e => new { e.Id, e.WalletId, e.Amount, e.BalanceAfter, e.IdempotencyKey, e.RequestFingerprint }).ToListAsync(ct);
        if (written.Count == 0 && again && await db.Set<KeyedRefusal>().Where(r => legKeys.Contains(r.IdempotencyKey))
                .Select(r => new { r.WalletId, r.Balance, r.Amount }).FirstOrDefaultAsync(ct) is { } refused)
        {
            throw new InsufficientFundsException(refused.WalletId, refused.Balance, -refused.Amount) { Replayed = true };
        }

        if (written.Count == 0)
        {
            return (group, reversed, null);
        }

        if (written.Count != group.Count
            || written.Exists(w => !string.Equals(w.RequestFingerprint, fingerprint, StringComparison.Ordinal)))
        {
            throw new IdempotencyConflictException(key);
        }

        var byKey = written.ToDictionary(w => w.IdempotencyKey!, StringComparer.Ordinal);
        var posted = legKeys.Select(k => new Posted(byKey[k].WalletId, byKey[k].Id, byKey[k].BalanceAfter, Replayed: true)).ToArray();
        return (group, reversed, Reversal(transactionId, group, posted, [.. legKeys.Select(k => byKey[k].Amount)], key));
    }

    /// <summary>Under the locks (every reversal of a transaction locks the same wallets): what is left to reverse is read again,
    /// so two reversals racing can never move back more than the original; then each compensating entry is linked.</summary>
    internal sealed class ReversalHook(long transactionId, List<Original> group, long[] amounts) : IWriteHook
    {
        public async Task BeforeBalancesAsync(LedgerWriter.Step step, IReadOnlyDictionary<long, WalletRow> byOwner,
            CancellationToken ct)
        {
            var reversed = await ReversedAsync(step.Context, group, ct);
            for (var i = 0; i < group.Count; i++)
            {
                var left = Math.Abs(group[i].Amount) - reversed[i];
                if (amounts[i] > left)
                {
                    throw new ReversalExceedsOriginalException(transactionId, left, amounts[i]);
                }
            }
        }

        public async Task AfterWriteAsync(LedgerWriter.Step step, Posted[] result, CancellationToken ct)
        {
            step.Context.Reversals.AddRange(result.Select((p, i) => new EntryReversal
            {
                EntryId = p.EntryId, OriginalEntryId = group[i].Id, Amount = amounts[i],
            }));
            await step.Context.SaveChangesAsync(ct);
        }
    }
}
