using FuncLedger.TestSupport;
using CsCheck;
using FuncLedger.Core.Domain;
using FuncLedger.Core.Tests.Infrastructure;

namespace FuncLedger.Core.Tests.Ledger;

/// <summary>
/// Property tests (CsCheck). On failure CsCheck prints the seed ("Set seed: ...") that replays the case;
/// set it in the CsCheck_Seed environment variable to run that case again. Each iteration works on fresh
/// owners, so the properties also hold with the data of earlier iterations beside them.
/// </summary>
public abstract class PropertyTests(ILedgerDatabase database) : LedgerTestBase(database)
{
    private const int Iterations = 4;
    private long _nextOwner = 1_000;

    private long[] NewOwners(int count)
    {
        var last = Interlocked.Add(ref _nextOwner, count);
        return [.. Enumerable.Range(0, count).Select(i => last - count + 1 + i)];
    }

    private async Task<(long Balances, long Entries, long Drift)> TotalsAsync(long[] owners)
    {
        var list = string.Join(",", owners);
        return (
            await Db.ScalarAsync($"SELECT COALESCE(SUM(cached_balance), 0) FROM wallets WHERE owner_id IN ({list})"),
            await Db.ScalarAsync($"SELECT COALESCE(SUM(e.amount), 0) FROM ledger_entries e JOIN wallets w ON w.id = e.wallet_id WHERE w.owner_id IN ({list})"),
            await Db.ScalarAsync($"SELECT COUNT(*) FROM wallets w WHERE w.owner_id IN ({list}) AND w.cached_balance <> (SELECT COALESCE(SUM(e.amount), 0) FROM ledger_entries e WHERE e.wallet_id = w.id)"));
    }

    private static readonly Gen<(int From, int To, long Amount)[]> TransferGen =
        Gen.Select(Gen.Int[0, 5], Gen.Int[0, 5], Gen.Long[1, 400]).Array[100];

    [Fact]
    public Task Conservation_holds_over_100_random_transfers() =>
        TransferGen.SampleAsync(async transfers =>
        {
            var owners = NewOwners(6);
            foreach (var owner in owners)
            {
                await Ledger.CreditAsync(owner, 1_000, "seed");
            }

            foreach (var (from, to, amount) in transfers)
            {
                try
                {
                    await Ledger.TransferAsync(owners[from], owners[to], amount, "random");
                }
                catch (InsufficientFundsException)
                {
                }
                catch (InvalidWalletException e) when (e.Reason == InvalidWalletReason.SelfTransfer)
                {
                    Assert.Equal(from, to);
                }
            }

            var (balances, entries, drift) = await TotalsAsync(owners);
            Assert.Equal(6_000, balances);
            Assert.Equal(6_000, entries);
            Assert.Equal(0, drift);
        }, iter: Iterations, threads: 1);

    [Fact]
    public Task No_balance_goes_negative_over_500_random_debits() =>
        Gen.Select(Gen.Int[0, 3], Gen.Long[1, 120]).Array[500].SampleAsync(async debits =>
        {
            var owners = NewOwners(4);
            foreach (var owner in owners)
            {
                await Ledger.CreditAsync(owner, 2_000, "seed");
            }

            var expected = owners.ToDictionary(o => o, _ => 2_000L);
            foreach (var (index, amount) in debits)
            {
                var owner = owners[index];
                if (expected[owner] >= amount)
                {
                    Assert.Equal(expected[owner] -= amount, (await Ledger.DebitAsync(owner, amount, "spend")).BalanceAfter);
                }
                else
                {
                    await Assert.ThrowsAsync<InsufficientFundsException>(() => Ledger.DebitAsync(owner, amount, "spend"));
                }
            }

            foreach (var owner in owners)
            {
                Assert.Equal(expected[owner], await Ledger.GetBalanceAsync(owner));
                Assert.True(await Ledger.GetBalanceAsync(owner) >= 0);
            }
        }, iter: Iterations, threads: 1);

    [Fact]
    public Task Repeating_keyed_operations_has_the_effect_of_one() =>
        Gen.Select(Gen.Int[0, 2], Gen.Long[1, 50], Gen.Int[1, 4]).Array[30].SampleAsync(async operations =>
        {
            var owners = NewOwners(2);
            await Ledger.CreditAsync(owners[0], 10_000, "seed");
            var expected = 10_000L;
            var external = 10_000L;
            for (var i = 0; i < operations.Length; i++)
            {
                var (kind, amount, repeats) = operations[i];
                var key = $"prop-{owners[0]}-{i}";
                var results = new List<object>();
                for (var r = 0; r < repeats; r++)
                {
                    results.Add(kind switch
                    {
                        0 => await Ledger.CreditAsync(owners[0], amount, "credit", key) with { Replayed = false },
                        1 => await Ledger.DebitAsync(owners[0], amount, "debit", key) with { Replayed = false },
                        _ => await Ledger.TransferAsync(owners[0], owners[1], amount, "transfer", key) with { Replayed = false },
                    });
                }

                Assert.Single(results.Distinct());
                expected += kind == 0 ? amount : -amount;
                external += kind switch { 0 => amount, 1 => -amount, _ => 0 };
            }

            Assert.Equal(expected, await Ledger.GetBalanceAsync(owners[0]));
            var (balances, entries, drift) = await TotalsAsync(owners);
            Assert.Equal(external, balances);
            Assert.Equal(balances, entries);
            Assert.Equal(0, drift);
        }, iter: Iterations, threads: 1);

    [Fact]
    public async Task An_injected_failure_mid_transfer_leaves_both_wallets_and_the_entries_as_they_were()
    {
        await Db.InstallFaultTriggerAsync();
        await Gen.Select(Gen.Long[1, 500], Gen.Bool).SampleAsync(async (amount, keyed) =>
        {
            var owners = NewOwners(2);
            await Ledger.CreditAsync(owners[0], 500, "seed");
            await Ledger.CreditAsync(owners[1], 7, "seed");
            var before = await Db.SnapshotAsync();

            var error = await Assert.ThrowsAnyAsync<Exception>(() =>
                Ledger.TransferAsync(owners[0], owners[1], amount, "inject-fault", keyed ? $"fault-{owners[0]}" : null));

            Assert.True(LedgerHarness.IsInjectedFault(error), error.ToString());
            Assert.Equal(before, await Db.SnapshotAsync());
            Assert.Equal(500, await Ledger.GetBalanceAsync(owners[0]));
            Assert.Equal(7, await Ledger.GetBalanceAsync(owners[1]));
        }, iter: Iterations * 2, threads: 1);
    }

    [Fact]
    public Task The_ledger_matches_a_tiny_in_memory_model() =>
        Gen.Select(Gen.Int[0, 3], Gen.Int[0, 3], Gen.Int[0, 3], Gen.Long[-5, 300]).Array[80].SampleAsync(async steps =>
        {
            var owners = NewOwners(4);
            var model = new Dictionary<long, long>();
            foreach (var (op, a, b, amount) in steps)
            {
                var (from, to) = (owners[a], owners[b]);
                var (expectedFrom, expectedTo) = (model.GetValueOrDefault(from), model.GetValueOrDefault(to));
                Exception? error = null;
                try
                {
                    switch (op)
                    {
                        case 0:
                            await Ledger.CreditAsync(from, amount, "model");
                            break;
                        case 1:
                            await Ledger.DebitAsync(from, amount, "model");
                            break;
                        default:
                            await Ledger.TransferAsync(from, to, amount, "model");
                            break;
                    }
                }
                catch (LedgerException e)
                {
                    error = e;
                }

                // The model: the same rules, written as plainly as possible.
                var expectedError = amount <= 0 ? typeof(InvalidAmountException)
                    : op >= 2 && from == to ? typeof(InvalidWalletException)
                    : op != 0 && !model.ContainsKey(from) ? typeof(InvalidWalletException)
                    : op != 0 && expectedFrom < amount ? typeof(InsufficientFundsException)
                    : null;
                Assert.Equal(expectedError, error?.GetType());
                if (expectedError is null)
                {
                    model[from] = expectedFrom + (op == 0 ? amount : -amount);
                    if (op >= 2)
                    {
                        model[to] = expectedTo + amount;
                    }
                }
            }

            foreach (var owner in owners)
            {
                Assert.Equal(model.GetValueOrDefault(owner), await Ledger.GetBalanceAsync(owner));
            }

            Assert.Equal(0, (await TotalsAsync(owners)).Drift);
        }, iter: Iterations, threads: 1);

    [Fact]
    public Task A_replay_returns_exactly_the_original_result_however_much_happened_since() =>
        Gen.Long[1, 100].Array[20].SampleAsync(async amounts =>
        {
            var owners = NewOwners(2);
            await Ledger.CreditAsync(owners[0], 100_000, "seed");
            var originals = new List<TransferResult>();
            for (var i = 0; i < amounts.Length; i++)
            {
                originals.Add(await Ledger.TransferAsync(owners[0], owners[1], amounts[i], "t", $"replay-{owners[0]}-{i}"));
            }

            for (var i = amounts.Length - 1; i >= 0; i--)
            {
                var replay = await Ledger.TransferAsync(owners[0], owners[1], amounts[i], "t", $"replay-{owners[0]}-{i}");
                Assert.Equal(originals[i] with { Replayed = true }, replay);
            }
        }, iter: Iterations, threads: 1);

    [Fact]
    public Task Bad_input_is_refused_with_a_typed_error_and_changes_nothing() =>
        Gen.Select(Gen.Int[0, 7], Gen.Long).SampleAsync(async (kind, noise) =>
        {
            var owners = NewOwners(2);
            await Ledger.CreditAsync(owners[0], 100, "seed");
            var before = await Db.SnapshotAsync();
            var tooLong = new string('r', LedgerLimits.ReasonLengthMax + 1);
            Func<Task> bad = kind switch
            {
                0 => () => Ledger.CreditAsync(owners[0], noise <= 0 ? noise : -noise, "bad"),
                1 => () => Ledger.CreditAsync(owners[0], LedgerLimits.AmountMax + 1 + Math.Abs(noise % 1000), "bad"),
                2 => () => Ledger.TransferAsync(owners[0], owners[0], 1, "self"),
                3 => () => Ledger.CreditAsync(owners[0], 1, tooLong),
                4 => () => Ledger.CreditAsync(owners[0], 1, "bad", "key\u0001with-control"),
                5 => () => Ledger.CreditAsync(owners[0], 1, "bad", null, "{\"x\":\"" + new string('m', LedgerLimits.MetaBytesMax) + "\"}"),
                6 => () => Ledger.GetHistoryAsync(owners[0], LedgerLimits.HistoryLimitMax + 1),
                _ => () => Ledger.DebitAsync(owners[1], 1, "no wallet"),
            };

            var error = await Assert.ThrowsAnyAsync<LedgerException>(bad);
            Assert.False(string.IsNullOrEmpty(error.Code));
            Assert.Equal(before, await Db.SnapshotAsync());
        }, iter: 24, threads: 1);

    [Fact]
    public Task History_pages_concatenate_to_the_whole_history() =>
        Gen.Select(Gen.Int[1, 40], Gen.Int[1, 9]).SampleAsync(async (count, pageSize) =>
        {
            var owner = NewOwners(1)[0];
            for (var i = 1; i <= count; i++)
            {
                await Ledger.CreditAsync(owner, i, "h");
            }

            var whole = await Ledger.GetHistoryAsync(owner, LedgerLimits.HistoryLimitMax);
            var pages = new List<HistoryItem>();
            for (var offset = 0; offset < count; offset += pageSize)
            {
                pages.AddRange(await Ledger.GetHistoryAsync(owner, pageSize, offset));
            }

            Assert.Equal(whole, pages);
            Assert.Equal(Enumerable.Range(1, count).Reverse().Select(i => (long)i), whole.Select(h => h.Amount));
        }, iter: Iterations, threads: 1);

    [Fact]
    public Task Balances_near_the_top_of_the_range_overflow_as_an_error_never_a_wrap() =>
        Gen.Long[1, 1_000].SampleAsync(async extra =>
        {
            var owner = NewOwners(1)[0];
            await Ledger.CreditAsync(owner, 1, "seed");
            var wallet = await Db.WalletIdAsync(owner);
            await Db.ExecuteAsync($"UPDATE wallets SET cached_balance = {long.MaxValue - extra + 1} WHERE id = {wallet}");
            var before = await Db.SnapshotAsync();

            await Assert.ThrowsAsync<InvalidAmountException>(() => Ledger.CreditAsync(owner, extra, "overflow"));

            Assert.Equal(before, await Db.SnapshotAsync());
            Assert.Equal(long.MaxValue - extra + 1, await Ledger.GetBalanceAsync(owner));
        }, iter: Iterations, threads: 1);
}

[Collection(SqliteCollection.Name)]
public sealed class PropertySqliteTests(SqliteDatabaseFixture database) : PropertyTests(database);

[Collection(PostgresCollection.Name)]
public sealed class PropertyPostgresTests(PostgresDatabaseFixture database) : PropertyTests(database);
