using System.Data.Common;
using FuncLedger.Core.Domain;
using FuncLedger.Core.Persistence.Commands;

namespace FuncLedger.Core.Operations;

internal static partial class LedgerWriter
{
    /// <summary>
    /// The whole write as one command in its own implicit transaction (<see cref="IServerWrites.PostAsync"/>): the answer is a
    /// replay or conflict (<see cref="Replay"/>), the new entries, or a refusal. Null when the general path must run: the
    /// command declined, or some postings of a batch replay and others are new.
    /// </summary>
    private static async Task<Written?> PostInOneRoundTripAsync(
        DbConnection connection, IServerWrites command, IReadOnlyList<Posting> postings, WriteRecord record, HoldRelease? release,
        DateTime now, CancellationToken ct)
    {
        var group = postings[0].Group;
        var oneGroup = postings.All(p => p.Group == group);
        var keep = postings.Select(p => KeepsRefusal(p, oneGroup)).ToArray();
        return await command.PostAsync(connection, postings, keep, record, release, now, ct) is { } rows
            ? Answer(rows, postings, record, release)
            : null;
    }

    /// <summary>What <c>ledger_post</c>'s rows for <paramref name="postings"/> say: the entries written or replayed, or the
    /// typed refusal. Null when some postings of a batch replay and others are new (the general path decides).</summary>
    internal static Written? Answer(IReadOnlyList<PostRow> rows, IReadOnlyList<Posting> postings, WriteRecord record, HoldRelease? release)
    {
        var result = new Posted[postings.Count];
        var first = rows[0];
        switch (first.Kind)
        {
            case PostOutcome.Key or PostOutcome.ClientKey:
                var existing = Replay.CheckClientKey([.. rows.Select(r => r.AsEntry())], record.Client);
                return Replay.Match(postings, existing, result).Count == 0 ? new Written(result, null) : null;
            case PostOutcome.Written:
                var posting = rows[^1].Kind == PostOutcome.Posting ? rows[^1].Id : (long?)null;
                Sql.Invariant(rows.Count == postings.Count + (posting is null ? 0 : 1), "ledger_post wrote a different number of entries");
                Sql.Invariant(rows.Take(postings.Count).All(r => r.Kind == PostOutcome.Written), "ledger_post answered a write in part");
                foreach (var row in rows.Take(postings.Count))
                {
                    result[row.Index] = new Posted(row.WalletId, row.Id, row.Balance, Replayed: false);
                }

                return new Written(result, posting);
            case PostOutcome.Insufficient:
                throw new InsufficientFundsException(first.WalletId, first.Balance, first.Amount);
            case PostOutcome.Frozen:
                throw new WalletFrozenException(first.WalletId);
            case PostOutcome.Overflow:
                throw Overflow(first.WalletId);
            case PostOutcome.HoldNotPending:
                throw new HoldNotPendingException(release!.HoldId, (HoldStatus)first.Amount);
            case PostOutcome.HoldExpired:
                throw new HoldExpiredException(release!.HoldId, release.ExpiresAt);
            default:
                Sql.Invariant(first.Kind == PostOutcome.NoWallet, "ledger_post returned an unknown outcome");
                throw NoSourceWallet();
        }
    }

    private static InvalidAmountException Overflow(long walletId) =>
        new($"The amount would overflow the balance of wallet {walletId}.");

    private static InvalidWalletException NoSourceWallet() => new(InvalidWalletReason.NotFound, "The source wallet does not exist.");
}
