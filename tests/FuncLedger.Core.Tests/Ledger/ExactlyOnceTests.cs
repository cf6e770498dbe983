using FuncLedger.Core.Domain;
using FuncLedger.Core.Payouts;
using FuncLedger.Core.Tests.Infrastructure;
using FuncLedger.TestSupport;

namespace FuncLedger.Core.Tests.Ledger;

/// <summary>
/// Every write is safe to run again: when a commit succeeded but its answer was lost (<see cref="LostAnswers"/>), the retry
/// layer reruns the whole unit of work, and the rerun finds the write's key (the client's, or the one the ledger made for the
/// call) and answers it instead of applying it twice. Each operation, keyed and unkeyed, on SQLite and PostgreSQL.
/// </summary>
public abstract class ExactlyOnceTests(ILedgerDatabase database) : LedgerTestBase(database)
{
    public static TheoryData<string, bool> Operations()
    {
        var data = new TheoryData<string, bool>();
        foreach (var operation in (string[])["credit", "debit", "transfer", "posting", "hold", "capture", "void", "reversal",
            "posting reversal", "adjustment", "award batch"])
        {
            data.Add(operation, false);
            data.Add(operation, true);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Operations))]
    public async Task A_write_whose_answer_was_lost_runs_again_and_takes_effect_once(string operation, bool keyed)
    {
        await Ledger.CreditAsync(1, 1_000, "seed");
        await Ledger.CreditAsync(2, 100, "seed");
        var hold = await Ledger.HoldAsync(1, 60, "cart", "setup-hold");
        var posting = await Ledger.PostAsync([(1, -30), (2, 20), (3, 10)], "prizes", "setup-posting");
        var credit = await Ledger.CreditAsync(1, 50, "bonus", "setup-credit");
        var (entries, balance, sum, held) = (await Db.EntryCountAsync(), await Ledger.GetBalanceAsync(1), await Db.SumOfBalancesAsync(),
            (await Ledger.GetWalletAsync(1)).Held);
        var key = keyed ? "once-" + operation.Replace(' ', '-') : null;

        object answer;
        using (Db.Faults.Arm())
        {
            answer = await RunAsync(operation, key, hold.HoldId, posting.PostingId, credit.TransactionId);
        }

        // (entries written, owner 1's balance, the sum of balances, owner 1's held coins): what one run of the operation does.
        var expected = operation switch
        {
            "credit" => (1, 10, 10, 0),
            "debit" => (1, -10, -10, 0),
            "transfer" => (2, -10, 0, 0),
            "posting" => (3, -30, 0, 0),
            "hold" => (0, 0, 0, 25),
            "capture" => (2, -60, 0, -60),
            "void" => (0, 0, 0, -60),
            "reversal" => (1, -50, -50, 0),
            "posting reversal" => (3, 30, 0, 0),
            "adjustment" => (1, -10, -10, 0),
            _ => (3, 0, 30, 0),
        };
        Assert.True(Db.Faults.Injected > 0, "no fault was injected");
        Assert.Equal(expected, ((int)(await Db.EntryCountAsync() - entries), (int)(await Ledger.GetBalanceAsync(1) - balance),
            (int)(await Db.SumOfBalancesAsync() - sum), (int)((await Ledger.GetWalletAsync(1)).Held - held)));
        Assert.Equal((0L, 0L), (await Db.DriftedWalletCountAsync(), await Db.HeldDriftCountAsync()));
        // The answer is the call's own, not another request's: a rerun of an unkeyed call is no replay. Under a key from outside
        // (the client's; a hold's, always; an award's, derived from its registration) the rerun found the key and replayed: it
        // cannot tell its own first attempt from an earlier request.
        Assert.Equal(keyed || operation is "hold" or "award batch", Replayed(answer));
        if (keyed)
        {
            // And the client's retry replays the same answer.
            var retry = await RunAsync(operation, key, hold.HoldId, posting.PostingId, credit.TransactionId);
            Assert.True(Replayed(retry));
            Assert.Equal(expected.Item1, (int)(await Db.EntryCountAsync() - entries));
        }
    }

    private async Task<object> RunAsync(string operation, string? key, long holdId, long postingId, long creditId) => operation switch
    {
        "credit" => await Ledger.CreditAsync(1, 10, "gift", key),
        "debit" => await Ledger.DebitAsync(1, 10, "shop", key),
        "transfer" => await Ledger.TransferAsync(1, 2, 10, "tip", key),
        "posting" => await Ledger.PostAsync([(1, -30), (2, 20), (4, 10)], "split", key),
        "hold" => await Ledger.HoldAsync(1, 25, "cart", key ?? "hold-always-keyed"),
        "capture" => await Ledger.CaptureAsync(holdId, toOwnerId: 5, idempotencyKey: key),
        "void" => await Ledger.VoidAsync(holdId, key),
        "reversal" => await Ledger.ReverseAsync(creditId, "undo", key),
        "posting reversal" => await Ledger.ReversePostingAsync(postingId, "undo", key),
        "adjustment" => await Ledger.AdjustAsync(1, -10, "correction", key),
        _ => await Ledger.AwardAsync([.. Enumerable.Range(1, 3).Select(i => new Award(700 + i, null, OwnerId.From(10 + i), Coins.From(10)))]),
    };

    private static bool Replayed(object answer) => answer switch
    {
        CreditResult r => r.Replayed,
        TransferResult r => r.Replayed,
        PostingResult r => r.Replayed,
        HoldResult r => r.Replayed,
        CaptureResult r => r.Replayed,
        ReversalResult r => r.Replayed,
        AdjustmentResult r => r.Replayed,
        IReadOnlyList<CreditResult> r => r.All(a => a.Replayed),
        _ => throw new ArgumentException("unknown answer", nameof(answer)),
    };
}

[Collection(SqliteCollection.Name)]
public sealed class ExactlyOnceSqliteTests(SqliteDatabaseFixture database) : ExactlyOnceTests(database);

[Collection(PostgresCollection.Name)]
public sealed class ExactlyOncePostgresTests(PostgresDatabaseFixture database) : ExactlyOnceTests(database);

[SqlServerLane, Collection(SqlServerCollection.Name)]
public sealed class ExactlyOnceSqlServerTests(SqlServerDatabaseFixture database) : ExactlyOnceTests(database);

[Collection(PostgresGeneralPathCollection.Name)]
public sealed class ExactlyOncePostgresGeneralPathTests(PostgresGeneralPathFixture database) : ExactlyOnceTests(database);
