using CsCheck;
using FuncLedger.Core.Domain;
using FuncLedger.Core.Tests.Infrastructure;
using FuncLedger.TestSupport;

namespace FuncLedger.Core.Tests.Ledger;

/// <summary>
/// The model-based property test of keys (CsCheck): random credits, debits, transfers, postings, holds, captures, voids,
/// reversals, posting reversals, adjustments, freezes and overdraft withdrawals, with keys drawn from a pool of four (so one key
/// meets operations of every kind), retries of earlier keyed requests, and lost answers to commits (the unit of work runs
/// again, <see cref="LostAnswers"/>), against a plain model of the balances, holds, freezes, overdraft and the key registry. For
/// every request the model says what must happen: a conflict (the key named another request), a replay (the same request: its
/// first answer, a refusal included), a typed refusal (frozen, insufficient funds, hold not pending or expired, nothing left to
/// reverse), or the write; nothing but the write changes a balance or an entry. Owner 3 takes overdraft on and off and holds no
/// holds. On failure CsCheck prints the seed ("Set seed: ..."); set it in CsCheck_Seed to replay the case.
/// </summary>
public abstract class KeyedModelPropertyTests(ILedgerDatabase database) : LedgerTestBase(database)
{
    private const int OwnerCount = 4;
    private long _nextOwner = 900_000;

    private sealed record ModelHold(long Id, long Owner, long Amount, DateTimeOffset ExpiresAt)
    {
        public HoldStatus Status { get; set; } = HoldStatus.Pending;
    }

    /// <summary>A transaction: its entries and (owner, amount) sides, coins reversed so far (per side), its posting id if any.</summary>
    private sealed record ModelTransaction(long[] EntryIds, (long Owner, long Amount)[] Sides, long? PostingId = null)
    {
        public long Reversed { get; set; }
    }

    /// <summary>A keyed request the ledger registered: its terms, the call that sends it again, and its first answer (the
    /// result's identity, or null when it was refused for funds).</summary>
    private sealed record Sent(string Key, string Terms, Func<Task<object>> Call, string? Answer);

    private sealed class Model(long[] owners)
    {
        public long[] Owners { get; } = owners;

        public Dictionary<long, long> Balances { get; } = owners.ToDictionary(o => o, _ => 0L);

        public HashSet<long> Frozen { get; } = [];

        public HashSet<long> Overdraft { get; } = [];

        public List<ModelHold> Holds { get; } = [];

        public List<ModelTransaction> Transactions { get; } = [];

        public Dictionary<string, Sent> Keys { get; } = new(StringComparer.Ordinal);

        public long Held(long owner, DateTimeOffset now) =>
            Holds.Where(h => h.Owner == owner && h.Status == HoldStatus.Pending && h.ExpiresAt > now).Sum(h => h.Amount);

        public void Apply(long[] entryIds, (long Owner, long Amount)[] sides, long? postingId = null)
        {
            foreach (var (owner, amount) in sides)
            {
                Balances[owner] += amount;
            }

            Transactions.Add(new ModelTransaction(entryIds, sides, postingId));
        }

        /// <summary>What a write of <paramref name="legs"/>, in order, answers: the first debit leg out of a frozen wallet (unless
        /// an adjustment), or below what its wallet may spend (balance less held coins, <paramref name="released"/> excluded,
        /// unless overdraft), refuses; null when it goes through.</summary>
        public Type? Check((long Owner, long Amount)[] legs, DateTimeOffset now, bool adjustment = false, ModelHold? released = null)
        {
            var balances = new Dictionary<long, long>(Balances);
            foreach (var (owner, amount) in legs)
            {
                var next = balances[owner] + amount;
                if (amount < 0 && Frozen.Contains(owner) && !adjustment)
                {
                    return typeof(WalletFrozenException);
                }

                var held = Held(owner, now) - (released is { } h && h.Owner == owner ? h.Amount : 0);
                if (amount < 0 && !Overdraft.Contains(owner) && (next < 0 || next - held < 0))
                {
                    return typeof(InsufficientFundsException);
                }

                balances[owner] = next;
            }

            return null;
        }
    }

    private static readonly Gen<(int Op, int A, int B, long Amount, int Pick)[]> Steps =
        Gen.Select(Gen.Int[0, 14], Gen.Int[0, OwnerCount - 1], Gen.Int[1, OwnerCount - 1], Gen.Long[1, 300], Gen.Int[0, 9_999]).Array[60];

    [Fact]
    public Task Keys_reused_across_kinds_retries_and_lost_answers_all_answer_as_the_model_says() =>
        Steps.SampleAsync(async steps =>
        {
            var first = Interlocked.Add(ref _nextOwner, OwnerCount) - OwnerCount + 1;
            var model = new Model([.. Enumerable.Range(0, OwnerCount).Select(i => first + i)]);
            foreach (var owner in model.Owners)
            {
                model.Apply([(await Ledger.CreditAsync(owner, 500, "seed")).TransactionId], [(owner, 500)]);
            }

            for (var i = 0; i < steps.Length; i++)
            {
                var (op, a, b, amount, pick) = steps[i];
                var key = (pick % 3) switch { 0 => $"km-{first}-{pick % 4}", 1 => null, _ => $"km-{first}-step-{i}" };
                await StepAsync(model, op, model.Owners[a], model.Owners[(a + b) % OwnerCount], amount, pick, key, lost: pick % 5 == 0);
                foreach (var owner in model.Owners)
                {
                    var wallet = await Ledger.GetWalletAsync(owner);
                    var held = model.Held(owner, Db.Time.GetUtcNow());
                    Assert.Equal((model.Balances[owner], held, model.Frozen.Contains(owner)), (wallet.Balance, wallet.Held, wallet.Frozen));
                }
            }

            await AssertInvariantsAsync(model);
        }, iter: 4, threads: 1);

    private async Task StepAsync(Model model, int op, long from, long to, long amount, int pick, string? key, bool lost)
    {
        var now = Db.Time.GetUtcNow();
        var holdOwner = from == model.Owners[3] ? model.Owners[0] : from;
        switch (op)
        {
            case 0:
                await SendAsync(model, key, $"credit {from} {amount}", () => Ledger.CreditAsync(from, amount, "credit", key), () => null,
                    r => model.Apply([((CreditResult)r).TransactionId], [(from, amount)]), lost);
                break;
            case 1:
                await SendAsync(model, key, $"debit {from} {amount}", () => Ledger.DebitAsync(from, amount, "debit", key),
                    () => model.Check([(from, -amount)], now), r => model.Apply([((CreditResult)r).TransactionId], [(from, -amount)]), lost);
                break;
            case 2:
                (long, long)[] sides = [(from, -amount), (to, amount)];
                await SendAsync(model, key, $"transfer {from} {to} {amount}", () => Ledger.TransferAsync(from, to, amount, "transfer", key),
                    () => model.Check(sides, now),
                    r => model.Apply([((TransferResult)r).DebitTransactionId, ((TransferResult)r).CreditTransactionId], sides), lost);
                break;
            case 3:
                var others = model.Owners.Where(o => o != from).ToArray();
                var share = (pick % Math.Max(1, amount)) + 1;
                (long, long)[] legs = [(from, -(amount + 1)), (others[0], share), (others[1 + (pick % 2)], amount + 1 - share)];
                await SendAsync(model, key, $"posting {string.Join(' ', legs)}", () => Ledger.PostAsync(legs, "posting", key),
                    () => model.Check(legs, now),
                    r => model.Apply([.. ((PostingResult)r).Legs.Select(l => l.TransactionId)], legs, ((PostingResult)r).PostingId), lost);
                break;
            case 4:
                DateTimeOffset? expiresAt = (pick % 3) switch { 0 => now.AddMinutes(10), 1 => null, _ => now.AddMinutes(60) };
                var holdKey = key ?? $"km-hold-{holdOwner}-{pick}-{now.Ticks}";
                await SendAsync(model, holdKey, $"hold {holdOwner} {amount} {expiresAt}",
                    () => Ledger.HoldAsync(holdOwner, amount, "hold", holdKey, expiresAt),
                    () => model.Frozen.Contains(holdOwner) ? typeof(WalletFrozenException)
                        : model.Balances[holdOwner] - model.Held(holdOwner, now) < amount ? typeof(InsufficientFundsException) : null,
                    r => model.Holds.Add(new ModelHold(((HoldResult)r).HoldId, holdOwner, amount,
                        new DateTimeOffset(((HoldResult)r).ExpiresAt, TimeSpan.Zero))), lost);
                break;
            case 5 or 6 when model.Holds.Count > 0:
                await CloseHoldAsync(model, op == 5, model.Holds[pick % model.Holds.Count], amount, pick, key, now, lost);
                break;
            case 7:
                await ReverseAsync(model, model.Transactions[pick % model.Transactions.Count], amount, pick, key, now, lost);
                break;
            case 8 when model.Transactions.Exists(t => t.PostingId is not null):
                var postings = model.Transactions.Where(t => t.PostingId is not null).ToList();
                await ReversePostingAsync(model, postings[pick % postings.Count], key, now, lost);
                break;
            case 9:
                var delta = pick % 2 == 0 ? amount : -amount;
                await SendAsync(model, key, $"adjustment {from} {delta}", () => Ledger.AdjustAsync(from, delta, "adjustment", key),
                    () => model.Check([(from, delta)], now, adjustment: true),
                    r => model.Apply([((AdjustmentResult)r).TransactionId], [(from, delta)]), lost);
                break;
            case 10:
                var frozen = !model.Frozen.Contains(from);
                await Db.Admin.SetFrozenAsync(OwnerId.From(from), frozen, "cli:model", "model");
                _ = frozen ? model.Frozen.Add(from) : model.Frozen.Remove(from);
                break;
            case 11:
                // Overdraft on or off at any balance, on the owner that never holds holds.
                var owner = model.Owners[3];
                var allow = !model.Overdraft.Contains(owner);
                await Db.Admin.SetOverdraftAsync(OwnerId.From(owner), allow, "cli:model", "model");
                _ = allow ? model.Overdraft.Add(owner) : model.Overdraft.Remove(owner);
                break;
            case 12:
                Db.Time.Shift(TimeSpan.FromMinutes(7));
                break;
            case 13 when model.Keys.Count > 0:
                // A client retries an earlier keyed request: its first answer again, whatever happened since.
                var sent = model.Keys.Values.ElementAt(pick % model.Keys.Count);
                await SendAsync(model, sent.Key, sent.Terms, sent.Call, () => throw new InvalidOperationException("a retry is a replay"),
                    _ => throw new InvalidOperationException("a retry writes nothing"), lost);
                break;
            default:
                var due = model.Holds.Where(h => h.Status == HoldStatus.Pending && h.ExpiresAt <= now).ToList();
                Assert.True(await Ledger.ReleaseExpiredHoldsAsync() >= due.Count);
                due.ForEach(h => h.Status = HoldStatus.Expired);
                break;
        }
    }

    private Task CloseHoldAsync(Model model, bool capture, ModelHold hold, long amount, int pick, string? key, DateTimeOffset now,
        bool lost)
    {
        var part = pick % 4 < 2 ? (long?)null : (amount % hold.Amount) + 1;
        var to = pick % 3 == 0 ? model.Owners.First(o => o != hold.Owner) : (long?)null;
        var coins = part ?? hold.Amount;
        (long, long)[] sides = to is { } payee ? [(hold.Owner, -coins), (payee, coins)] : [(hold.Owner, -coins)];
        Type? Pending() => hold.Status is HoldStatus.Captured or HoldStatus.Voided ? typeof(HoldNotPendingException)
            : hold.Status == HoldStatus.Expired || hold.ExpiresAt <= now ? typeof(HoldExpiredException) : null;
        if (!capture)
        {
            return SendAsync(model, key, $"void {hold.Id}", () => Ledger.VoidAsync(hold.Id, key), Pending,
                _ => hold.Status = HoldStatus.Voided, lost);
        }

        return SendAsync(model, key, $"capture {hold.Id} {part} {to}", () => Ledger.CaptureAsync(hold.Id, part, to, idempotencyKey: key),
            () => Pending() ?? model.Check(sides, now, released: hold), r =>
            {
                hold.Status = HoldStatus.Captured;
                var captured = (CaptureResult)r;
                model.Apply(to is null ? [captured.TransactionId] : [captured.TransactionId, captured.CreditTransactionId!.Value], sides);
            }, lost);
    }

    private Task ReverseAsync(Model model, ModelTransaction original, long amount, int pick, string? key, DateTimeOffset now, bool lost)
    {
        var whole = original.Sides.Length > 2;
        var part = whole || pick % 4 < 2 ? (long?)null : amount;
        var left = (whole ? original.Sides.Sum(s => Math.Abs(s.Amount)) / 2 : Math.Abs(original.Sides[0].Amount)) - original.Reversed;
        var coins = part ?? left;
        var back = original.Sides.Select(s => (s.Owner, -Math.Sign(s.Amount) * (whole ? Math.Abs(s.Amount) : coins))).ToArray();
        var entryId = original.EntryIds[pick % original.EntryIds.Length];
        return SendAsync(model, key, $"reversal {entryId} {part}", () => Ledger.ReverseAsync(entryId, "reverse", key, part),
            () => (whole && original.Reversed > 0) || coins > left || coins == 0 ? typeof(ReversalExceedsOriginalException)
                : model.Check(back, now),
            r =>
            {
                original.Reversed += whole ? left : coins;
                model.Apply([.. ((ReversalResult)r).Legs.Select(l => l.TransactionId)], back);
            }, lost);
    }

    private Task ReversePostingAsync(Model model, ModelTransaction posting, string? key, DateTimeOffset now, bool lost)
    {
        var back = posting.Sides.Select(s => (s.Owner, -s.Amount)).ToArray();
        return SendAsync(model, key, $"posting reversal {posting.PostingId}",
            () => Ledger.ReversePostingAsync(posting.PostingId!.Value, "reverse", key),
            () => posting.Reversed > 0 ? typeof(ReversalExceedsOriginalException) : model.Check(back, now),
            r =>
            {
                posting.Reversed = posting.Sides.Sum(s => Math.Abs(s.Amount)) / 2;
                model.Apply([.. ((ReversalResult)r).Legs.Select(l => l.TransactionId)], back);
            }, lost);
    }

    /// <summary>Sends one request and checks its answer against the model: a conflict, a replay, a refusal, or the write (then
    /// <paramref name="apply"/> updates the model). Refusals for funds under a client's key are kept: the key is registered.</summary>
    private async Task SendAsync<T>(Model model, string? key, string terms, Func<Task<T>> call, Func<Type?> refusal, Action<object> apply,
        bool lost)
        where T : notnull
    {
        var before = await StateAsync();
        async Task<object> Call() => await call();
        if (key is not null && model.Keys.TryGetValue(key, out var sent))
        {
            if (sent.Terms != terms)
            {
                Assert.Equal(key, (await Assert.ThrowsAsync<IdempotencyConflictException>(Call)).IdempotencyKey);
            }
            else if (sent.Answer is null)
            {
                Assert.True((await Assert.ThrowsAsync<InsufficientFundsException>(Call)).Replayed);
            }
            else
            {
                var answer = await Call();
                Assert.Equal((sent.Answer, true), (Identity(answer), Replayed(answer)));
            }

            Assert.Equal(before, await StateAsync());
            return;
        }

        if (refusal() is { } refused)
        {
            var error = await Assert.ThrowsAnyAsync<LedgerException>(Call);
            Assert.Equal(refused, error.GetType());
            Assert.Equal(before, await StateAsync());
            if (key is not null && error is InsufficientFundsException)
            {
                model.Keys[key] = new Sent(key, terms, Call, null);
            }

            return;
        }

        object written;
        using (lost ? Db.Faults.Arm() : null)
        {
            written = await Call();
        }

        // A rerun after a lost answer finds the write: under a client's key it cannot tell it from an earlier request's.
        Assert.Equal(lost && key is not null, Replayed(written));
        apply(written);
        if (key is not null)
        {
            model.Keys[key] = new Sent(key, terms, Call, Identity(written));
        }
    }

    /// <summary>What names a result across a replay (balances after a hold or void are read as they stand).</summary>
    private static string Identity(object answer) => answer switch
    {
        CreditResult r => $"entry {r.TransactionId} {r.BalanceAfter}",
        TransferResult r => $"transfer {r.DebitTransactionId} {r.CreditTransactionId} {r.FromBalanceAfter} {r.ToBalanceAfter}",
        PostingResult r => $"posting {r.PostingId} {string.Join(',', r.Legs)}",
        HoldResult r => $"hold {r.HoldId} {r.Amount} {r.ExpiresAt:O}",
        CaptureResult r => (r with { Replayed = false }).ToString(),
        ReversalResult r => $"reversal {r.ReversalId} {r.Amount} {string.Join(',', r.Legs)}",
        AdjustmentResult r => $"adjustment {r.TransactionId} {r.BalanceAfter}",
        _ => throw new ArgumentException("unknown answer", nameof(answer)),
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
        _ => throw new ArgumentException("unknown answer", nameof(answer)),
    };

    private async Task<string> StateAsync() =>
        await Db.SnapshotAsync() + "#" + await Db.ScalarAsync("SELECT COALESCE(SUM(held), 0) FROM wallets") + "#"
        + await Db.ScalarAsync("SELECT COUNT(*) FROM ledger_holds WHERE status = 0");

    private async Task AssertInvariantsAsync(Model model)
    {
        var owners = string.Join(",", model.Owners);
        var inWallets = $"wallet_id IN (SELECT id FROM wallets WHERE owner_id IN ({owners}))";
        Assert.Equal(model.Balances.Values.Sum(), await Db.ScalarAsync($"SELECT COALESCE(SUM(amount), 0) FROM ledger_entries WHERE {inWallets}"));
        Assert.Equal((0L, 0L, 0L), (await Db.DriftedWalletCountAsync(), await Db.HeldDriftCountAsync(),
            await Db.ScalarAsync(InvariantSql.ReversedBeyondOriginal)));
        foreach (var transaction in model.Transactions.Where(t => t.EntryIds.Length > 1))
        {
            Assert.Equal(0, await Db.ScalarAsync($"SELECT SUM(amount) FROM ledger_entries WHERE id IN ({string.Join(",", transaction.EntryIds)})"));
        }
    }
}

[Collection(SqliteCollection.Name)]
public sealed class KeyedModelPropertySqliteTests(SqliteDatabaseFixture database) : KeyedModelPropertyTests(database);

[Collection(PostgresCollection.Name)]
public sealed class KeyedModelPropertyPostgresTests(PostgresDatabaseFixture database) : KeyedModelPropertyTests(database);

[Collection(PostgresGeneralPathCollection.Name)]
public sealed class KeyedModelPropertyPostgresGeneralPathTests(PostgresGeneralPathFixture database) : KeyedModelPropertyTests(database);
