using FuncLedger.Core.Domain;
using FuncLedger.Core.Persistence;
using FuncLedger.Core.Persistence.Commands;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace FuncLedger.Core.Operations;

/// <summary>Moving coins: credits, debits, transfers, multi-leg postings, award batches and operators' adjustments, each turned
/// into postings and written as one unit of work (<see cref="LedgerWrites"/>).</summary>
internal sealed partial class PostingService(LedgerWrites writes, ILogger<PostingService> logger)
{
    public Task<CreditResult> CreditAsync(CreditCommand command, CancellationToken cancellationToken = default) =>
        SingleAsync(LedgerOperation.Credit, command, cancellationToken);

    public Task<CreditResult> DebitAsync(DebitCommand command, CancellationToken cancellationToken = default) =>
        SingleAsync(LedgerOperation.Debit, command, cancellationToken);

    public async Task<TransferResult> TransferAsync(TransferCommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        var (from, to, amount, key) = (command.From.Value, command.To.Value, command.Amount.Value, command.Key?.Value);
        // Unkeyed, the two sides still get linked keys (an internal stem), so a reversal finds both and a retry replays.
        var stem = key ?? IdempotencyKeys.NewInternal();
        var fingerprint = RequestFingerprint.Compute(LedgerOperation.Transfer, from, to, amount, command.Reason, command.Meta);
        Posting[] postings =
        [
            new(0, from, -amount, command.Reason, IdempotencyKeys.TransferDebit(stem), fingerprint, command.Meta,
                EntrySource.Transfer, CreateWallet: false),
            new(0, to, amount, command.Reason, IdempotencyKeys.TransferCredit(stem), fingerprint, command.Meta,
                EntrySource.Transfer, CreateWallet: true),
        ];
        var record = WriteRecord.Of(key, LedgerOperation.Transfer, fingerprint);
        var posted = (await writes.WriteAsync(postings, record, cancellationToken)).Postings;
        var (debit, credit) = (posted[0], posted[1]);
        LogTransfer(logger, debit.WalletId, credit.WalletId, amount, debit.Replayed);
        return new TransferResult(debit.WalletId, credit.WalletId, debit.BalanceAfter, credit.BalanceAfter,
            debit.EntryId, credit.EntryId, key, LedgerWrites.Replayed(key, debit));
    }

    public async Task<PostingResult> PostAsync(PostingCommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        var key = command.Key?.Value;
        var stem = key ?? IdempotencyKeys.NewInternal();
        var fingerprint =
            RequestFingerprint.ComputePosting([.. command.Legs.Select(l => (l.Owner.Value, l.Amount))], command.Reason, command.Meta);
        var postings = new Posting[command.Legs.Count];
        for (var i = 0; i < postings.Length; i++)
        {
            var leg = command.Legs[i];
            // One group: the legs replay, conflict and fail together. Credited wallets are created on first use.
            postings[i] = new Posting(0, leg.Owner.Value, leg.Amount, command.Reason,
                IdempotencyKeys.PostingLeg(stem, i + 1), fingerprint, command.Meta, EntrySource.Posting,
                CreateWallet: leg.Amount > 0);
        }

        var written = await writes.WriteAsync(postings, WriteRecord.Of(key, LedgerOperation.Posting, fingerprint, stem), cancellationToken);
        var posted = written.Postings;
        var postingId = written.PostingId ?? await writes.RunAsync((db, ct) => PostingIdAsync(db, stem, ct), cancellationToken);
        var legs = posted.Select((p, i) => new PostingLegResult(command.Legs[i].Owner.Value, p.WalletId, p.EntryId, command.Legs[i].Amount,
            p.BalanceAfter)).ToArray();
        LogPosting(logger, legs.Length, postingId, posted[0].Replayed);
        return new PostingResult(postingId, legs, key, LedgerWrites.Replayed(key, posted[0]));
    }

    /// <summary>The id of the posting whose legs carry <paramref name="stem"/> (a replay reads it).</summary>
    private static Task<long> PostingIdAsync(LedgerDbContext db, string stem, CancellationToken ct) =>
        db.Postings.Where(p => p.KeyStem == stem).Select(p => p.Id).SingleAsync(ct);

    public async Task<IReadOnlyList<CreditResult>> AwardAsync(IReadOnlyList<Award> awards, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(awards);
        if (awards.Count is 0 or > LedgerLimits.AwardBatchSizeMax)
        {
            throw new LedgerValidationException("awards", $"A batch holds 1 to {LedgerLimits.AwardBatchSizeMax} awards.");
        }

        var postings = new Posting[awards.Count];
        var keys = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < awards.Count; i++)
        {
            var award = awards[i];
            if (!keys.Add(award.Key))
            {
                throw new LedgerValidationException("awards", "A batch names the same award twice.");
            }

            postings[i] = CreditPosting(i, LedgerOperation.Credit, EntrySource.Award, award.Owner, award.Amount, award.Reason, award.Key,
                award.Meta);
        }

        var posted = (await writes.WriteAsync(postings, WriteRecord.None, cancellationToken)).Postings;
        return [.. posted.Select((p, i) => new CreditResult(p.WalletId, p.BalanceAfter, p.EntryId, postings[i].Key, p.Replayed))];
    }

    private async Task<CreditResult> SingleAsync(LedgerOperation operation, WalletCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var key = command.Key?.Value;
        var source = operation == LedgerOperation.Credit ? EntrySource.Credit : EntrySource.Debit;
        var posting = CreditPosting(0, operation, source, command.Owner, command.Amount, command.Reason, key, command.Meta);
        var posted = (await writes.WriteAsync([posting], WriteRecord.Of(key, operation, posting.Fingerprint!), ct)).Postings[0];
        LogPosted(logger, operation, posted.WalletId, command.Amount.Value, posted.Replayed);
        return new CreditResult(posted.WalletId, posted.BalanceAfter, posted.EntryId, key, LedgerWrites.Replayed(key, posted));
    }

    /// <summary>A credit's or debit's posting. Unkeyed, it gets a key the ledger makes (<see cref="IdempotencyKeys.NewInternal"/>),
    /// once per call: a rerun of the unit of work after a commit whose answer was lost replays instead of writing again.</summary>
    private static Posting CreditPosting(
        int group, LedgerOperation operation, EntrySource source, OwnerId owner, Coins amount, string reason, string? key, string? meta)
    {
        var fingerprint = RequestFingerprint.Compute(operation, owner.Value, 0, amount.Value, reason, meta);
        var credit = operation == LedgerOperation.Credit;
        return new Posting(group, owner.Value, credit ? amount.Value : -amount.Value, reason, key ?? IdempotencyKeys.NewInternal(),
            fingerprint, meta, source, CreateWallet: credit);
    }

    public async Task<AdjustmentResult> AdjustAsync(AdjustmentCommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        var key = command.Key?.Value;
        var owner = command.Owner.Value;
        var fingerprint = RequestFingerprint.Compute(LedgerOperation.Adjustment, owner, 0, command.Amount, command.Reason, null);
        Posting[] postings =
        [
            new(0, owner, command.Amount, command.Reason, key ?? IdempotencyKeys.NewInternal(), fingerprint, null,
                EntrySource.Adjustment, CreateWallet: command.Amount > 0, Adjustment: true),
        ];
        var posted = (await writes.WriteAsync(postings, WriteRecord.Of(key, LedgerOperation.Adjustment, fingerprint), cancellationToken,
            new AdjustmentHook(command))).Postings[0];
        return new AdjustmentResult(owner, posted.WalletId, posted.EntryId, command.Amount, posted.BalanceAfter, key,
            LedgerWrites.Replayed(key, posted));
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

    [LoggerMessage(EventId = 2001, Level = LogLevel.Debug,
        Message = "{Operation} on wallet {WalletId}: {Amount} coins (replayed: {Replayed})")]
    private static partial void LogPosted(ILogger logger, LedgerOperation operation, long walletId, long amount, bool replayed);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Debug,
        Message = "Transfer from wallet {FromWalletId} to wallet {ToWalletId}: {Amount} coins (replayed: {Replayed})")]
    private static partial void LogTransfer(ILogger logger, long fromWalletId, long toWalletId, long amount, bool replayed);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Debug,
        Message = "Posting {PostingId} of {Legs} legs (replayed: {Replayed})")]
    private static partial void LogPosting(ILogger logger, int legs, long postingId, bool replayed);
}
