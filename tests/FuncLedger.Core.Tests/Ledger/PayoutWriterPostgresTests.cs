using System.Reflection;
using FuncLedger.Core.Domain;
using FuncLedger.Core.Operations;
using FuncLedger.Core.Payouts;
using FuncLedger.Core.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace FuncLedger.Core.Tests.Ledger;

/// <summary>The payout writer on PostgreSQL, where batches can be paid side by side: two at a time, never sharing an owner
/// (so neither waits on the other's wallet locks), every award paid once.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PayoutWriterPostgresTests(PostgresDatabaseFixture database) : LedgerTestBase(database)
{
    [Fact]
    public async Task Batches_are_paid_two_at_a_time_over_disjoint_owners_and_every_award_once()
    {
        // 1,500 awards over 600 owners, handed over before the writer starts: the first batch takes 256 of them, the second
        // (taken while the first is paid) leaves out the first's owners and their later awards, which wait for it.
        var recorder = BatchRecorder.Wrap(Ledger);
        using var writer = new PayoutWriter(recorder, NullLogger<PayoutWriter>.Instance);
        var awards = Enumerable.Range(1, 1_500)
            .Select(i => writer.PayAsync(new Award(i, null, OwnerId.From(1 + (i % 600)), Coins.From(i)), CancellationToken.None))
            .ToList();

        await writer.StartAsync(CancellationToken.None);
        var paid = await Task.WhenAll(awards);
        await writer.StopAsync(CancellationToken.None);

        var state = (BatchRecorder)(object)recorder;
        Assert.Equal((2, 0), (state.ConcurrentMax, state.SharedOwners));
        Assert.All(paid, r => Assert.False(r.Replayed));
        Assert.Equal(1_500, paid.Select(r => r.TransactionId).Distinct().Count());
        Assert.Equal(1_500, await Db.EntryCountAsync());
        Assert.Equal(1_500L * 1_501 / 2, await Db.SumOfBalancesAsync());
        Assert.Equal(0, await Db.DriftedWalletCountAsync());
    }

    /// <summary>An <see cref="ILedger"/> that passes every call on and, for award batches, records how many run at once and
    /// whether one starts with an owner another still holds.</summary>
    public class BatchRecorder : DispatchProxy
    {
        private readonly Lock _gate = new();
        private readonly List<HashSet<long>> _running = [];
        private ILedger _inner = null!;

        public int ConcurrentMax { get; private set; }

        public int SharedOwners { get; private set; }

        public static ILedger Wrap(ILedger inner)
        {
            var proxy = Create<ILedger, BatchRecorder>();
            ((BatchRecorder)(object)proxy)._inner = inner;
            return proxy;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            var result = targetMethod!.Invoke(_inner, args);
            return targetMethod.Name == nameof(ILedger.AwardAsync) ? TrackAsync((IReadOnlyList<Award>)args![0]!, result) : result;
        }

        private async Task<IReadOnlyList<CreditResult>> TrackAsync(IReadOnlyList<Award> awards, object? call)
        {
            var owners = awards.Select(a => a.Owner.Value).ToHashSet();
            lock (_gate)
            {
                SharedOwners += _running.Count(r => r.Overlaps(owners));
                _running.Add(owners);
                ConcurrentMax = Math.Max(ConcurrentMax, _running.Count);
            }

            try
            {
                return await (Task<IReadOnlyList<CreditResult>>)call!;
            }
            finally
            {
                lock (_gate)
                {
                    _running.Remove(owners);
                }
            }
        }
    }
}
