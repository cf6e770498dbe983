using System.Data.Common;
using FuncLedger.Core.Domain;
using FuncLedger.Core.Persistence.Commands;
using FuncLedger.Core.Persistence.Postgres;

namespace FuncLedger.Core.Operations;

internal static partial class LedgerWriter
{
    /// <summary>
    /// The whole write as one command in its own implicit transaction (<see cref="PostgresPostCommand"/>): the answer is a
    /// replay or conflict (<see cref="Replay"/>), the new entries, or a refusal. Null when the general path must run: the
    /// command declined, or some postings of a batch replay and others are new.
    /// </summary>
    private static async Task<Posted[]?> PostInOneRoundTripAsync(
        DbConnection connection, PostgresPostCommand command, IReadOnlyList<Posting> postings, HoldRelease? release, DateTime now,
        CancellationToken ct)
    {
        var group = postings[0].Group;
        var oneGroup = postings.All(p => p.Group == group);
        var keep = postings.Select(p => KeepsRefusal(p, oneGroup)).ToArray();
        return await command.ExecuteAsync(connection, postings, keep, release, now, ct) is { } rows
            ? Answer(rows, postings, release)
            : null;
    }

    /// <summary>What <c>ledger_post</c>'s rows for <paramref name="postings"/> say: the entries written or replayed, or the
    /// typed refusal. Null when some postings of a batch replay and others are new (the general path decides).</summary>
    internal static Posted[]? Answer(IReadOnlyList<PostRow> rows, IReadOnlyList<Posting> postings, HoldRelease? release)
    {
        var result = new Posted[postings.Count];
        var first = rows[0];
        switch (first.Kind)
        {
            case PostOutcome.Key:
                return Replay.Match(postings, [.. rows.Select(r => r.AsEntry())], result).Count == 0 ? result : null;
            case PostOutcome.Written:
                Sql.Invariant(rows.Count == postings.Count && rows.All(r => r.Kind == PostOutcome.Written),
                    "ledger_post wrote a different number of entries");
                foreach (var row in rows)
                {
                    result[row.Index] = new Posted(row.WalletId, row.Id, row.Balance, Replayed: false);
                }

                return result;
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
