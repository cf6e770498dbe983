using System.Data;
using System.Data.Common;
using FuncLedger.Core.Domain;
using FuncLedger.Core.Persistence;
using FuncLedger.Core.Persistence.Commands;
using Microsoft.EntityFrameworkCore;

namespace FuncLedger.Core.Operations;

/// <summary>
/// The transaction flow of every write, the same on every provider: (1) the idempotency keys are looked up and the
/// wallets locked in ascending id order in one command; (2) balances are computed with checked arithmetic under the
/// locks; (3) one command updates every wallet (guarded on the balance it read) and inserts every entry; (4) commit. A
/// pure replay takes no lock and writes nothing. The SQL of each step is the provider's (<see cref="LedgerStore"/>).
/// Where the provider runs the same flow on the server as one command (PostgreSQL's <c>ledger_post</c>), a write without
/// a hook, or whose hook only releases a captured hold, tries that first (<see cref="PostInOneRoundTripAsync"/>) and comes
/// here only when it declines; the property and model tests run every rule on both paths (SQLite and PostgreSQL).
/// </summary>
internal static partial class LedgerWriter
{
    public static async Task<Written> PostAsync(
        LedgerDbContext context, LedgerStore store, IReadOnlyList<Posting> postings, WriteRecord record, DateTime now,
        CancellationToken ct, IWriteHook? hook = null)
    {
        await context.Database.OpenConnectionAsync(ct);
        var connection = context.Database.GetDbConnection();
        if ((hook is null || hook.Release is not null) && store.ServerWrites is { } one
            && await PostInOneRoundTripAsync(connection, one, postings, record, hook?.Release, now, ct) is { } done)
        {
            return done;
        }

        // Where the provider sends BEGIN with the first command and COMMIT with the write, any failure rolls back
        // explicitly before the connection goes back to the pool. Elsewhere the transaction object does both. An operation
        // with a hook (holds, reversals) runs more commands than the two, through EF too: it takes the transaction object.
        await using var transaction = store.InlineBegin is null || hook is not null
            ? await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct)
            : null;
        if (hook is not null)
        {
            await context.Database.UseTransactionAsync(transaction, ct);
        }

        var step = new Step(context, connection, transaction, store, now) { Hook = hook, Record = record };
        try
        {
            return await PostInTransactionAsync(step, postings, ct);
        }
        catch when (transaction is null && !step.Committed)
        {
            await LedgerStore.TryRollbackInlineAsync(connection);
            throw;
        }
    }

    /// <summary>What every step of one operation shares; <see cref="Committed"/> once a refusal was kept.</summary>
    internal sealed class Step(
        LedgerDbContext context, DbConnection connection, DbTransaction? transaction, LedgerStore store, DateTime now)
    {
        public LedgerDbContext Context { get; } = context;

        public DbConnection Connection { get; } = connection;

        public DbTransaction? Transaction { get; } = transaction;

        public LedgerStore Store { get; } = store;

        public DateTime Now { get; } = now;

        public bool Committed { get; set; }

        public IWriteHook? Hook { get; init; }

        public WriteRecord Record { get; init; } = WriteRecord.None;
    }

    private static async Task<Written> PostInTransactionAsync(Step step, IReadOnlyList<Posting> postings, CancellationToken ct)
    {
        var (connection, transaction, store) = (step.Connection, step.Transaction, step.Store);
        var lookup = store.LookupAndLockFor(postings.Count);
        var keys = postings.Where(p => p.Key is not null).Select(p => p.Key!)
            .Concat(step.Record.Client is { } client ? [client.Key] : [])
            .Distinct(StringComparer.Ordinal).ToArray();
        var owners = postings.Select(p => p.OwnerId).Distinct().ToArray();

        // Round trip 1: keys and locks together. Guarded: when any key exists no wallet is locked.
        var (existing, wallets) = await lookup.ExecuteAsync(connection, transaction, keys, owners, guarded: true,
            transaction is null ? store.InlineBegin : null, ct);
        if (existing.Count == 0 && keys.Length > 0 && wallets.Count < owners.Length)
        {
            // Either a wallet does not exist yet, or a concurrent first request committed our key between the
            // key read and the guarded lock (two statements, two snapshots). Look again without the guard:
            // its key read now sees that commit, so a replay is never mistaken for a missing wallet.
            (existing, wallets) = await lookup.ExecuteAsync(connection, transaction, keys, owners, guarded: false, null, ct);
        }

        var result = new Posted[postings.Count];
        existing = Replay.CheckClientKey(existing, step.Record.Client);
        var pending = Replay.Match(postings, existing, result);
        if (pending.Count == 0)
        {
            await (transaction is null ? LedgerStore.RollbackInlineAsync(connection, ct) : transaction.RollbackAsync(ct));
            return new Written(result, null);
        }

        if (existing.Count > 0)
        {
            // Some postings replay, others are new (a batch): lock the wallets of the new ones.
            var pendingOwners = pending.Select(i => postings[i].OwnerId).Distinct().ToArray();
            (_, wallets) = await lookup.ExecuteAsync(connection, transaction, [], pendingOwners, guarded: false, null, ct);
        }

        var byOwner = wallets.ToDictionary(w => w.OwnerId);
        if (step.Hook is not null)
        {
            await step.Hook.BeforeBalancesAsync(step, byOwner, ct);
        }

        var missing = new List<long>();
        foreach (var index in pending)
        {
            var posting = postings[index];
            if (!byOwner.ContainsKey(posting.OwnerId) && !missing.Contains(posting.OwnerId))
            {
                if (!posting.CreateWallet)
                {
                    throw NoSourceWallet();
                }

                missing.Add(posting.OwnerId);
            }
        }

        if (missing.Count > 0)
        {
            // Created in ascending owner order, as wallets are locked in ascending id order: two writers creating several
            // wallets never wait on each other in a cycle.
            missing.Sort();
            // A refusal is decided before any wallet is created, so a refused operation leaves no new wallet behind.
            var trial = byOwner.Values.Select(w => new WalletRow(w.Id, w.OwnerId, w.Balance, w.AllowOverdraft)
                {
                    Frozen = w.Frozen, Held = w.Held, HeldExact = w.HeldExact,
                })
                .Concat(missing.Select(o => new WalletRow(0, o, 0, allowOverdraft: false))).ToDictionary(w => w.OwnerId);
            await BalancesOrRefuseAsync(step, postings, pending, trial, ct);
            foreach (var owner in missing)
            {
                byOwner[owner] = await step.Store.CreateOrLockWalletAsync(step.Connection, step.Transaction, owner, step.Now, ct);
            }
        }

        var entries = await BalancesOrRefuseAsync(step, postings, pending, byOwner, ct);

        // Round trip 2: every balance update and every entry in one command.
        var touched = pending.Select(i => byOwner[postings[i].OwnerId]).Distinct().ToArray();
        var write = store.WriteFor(postings.Count, pending.TrueForAll(i => postings[i].Key is not null));
        var commit = transaction is null ? store.InlineCommit : "";
        // Stamped under the locks, never before a touched wallet's last change: per wallet, created_at follows the order
        // the entries were applied even when another instance's clock ran ahead.
        var stamp = touched.Max(w => w.UpdatedAt) is var last && last > step.Now ? last : step.Now;
        var (ids, postingId) = await write.ExecuteAsync(connection, transaction, touched, entries, stamp, step.Record, commit, ct);
        for (var j = 0; j < pending.Count; j++)
        {
            result[pending[j]] = new Posted(entries[j].WalletId, ids[j], entries[j].BalanceAfter, Replayed: false);
        }

        if (step.Hook is not null)
        {
            await step.Hook.AfterWriteAsync(step, result, ct);
        }

        if (transaction is not null)
        {
            await transaction.CommitAsync(ct);
        }

        return new Written(result, postingId);
    }

    /// <summary>
    /// <see cref="Balances"/>; when a keyed operation is refused for insufficient funds, the refusal is kept under the
    /// refused posting's key and committed (nothing else was written) before it is thrown, so a retry under the key is
    /// refused again instead of running again (<see cref="Replay"/>). Refusals in a batch of several operations are not
    /// kept: the batch is split and each operation runs alone.
    /// </summary>
    private static async Task<EntryWrite[]> BalancesOrRefuseAsync(
        Step step, IReadOnlyList<Posting> postings, List<int> pending, Dictionary<long, WalletRow> byOwner, CancellationToken ct)
    {
        try
        {
            return await HeldBalancesAsync(step, postings, pending, byOwner, ct);
        }
        catch (InsufficientFundsException refused)
        {
            var group = postings[pending[0]].Group;
            var refusedIndex = pending.Find(i => postings[i].Delta < 0 && byOwner[postings[i].OwnerId].Id == refused.WalletId);
            var posting = postings[refusedIndex];
            if (KeepsRefusal(posting, pending.TrueForAll(i => postings[i].Group == group)))
            {
                var keep = new RefusalWrite(posting.Key!, posting.Fingerprint!, refused.WalletId, refused.Balance, posting.Delta);
                var commit = step.Transaction is null ? step.Store.InlineCommit : "";
                await step.Store.RecordRefusal.ExecuteAsync(step.Connection, step.Transaction, keep, step.Record.Client, step.Now, commit,
                    ct);
                if (step.Transaction is not null)
                {
                    await step.Transaction.CommitAsync(ct);
                }

                step.Committed = true;
            }

            throw;
        }
    }

    /// <summary>Whether a refusal of <paramref name="posting"/> is kept under its key: in an operation of one group, under a
    /// client's key (a key the ledger derives for its own records never is).</summary>
    private static bool KeepsRefusal(Posting posting, bool oneGroup) =>
        oneGroup && posting.Key is not null && !IdempotencyKeys.IsInternal(posting.Key);

    /// <summary>
    /// <see cref="Balances"/> against the cached held coins first: they can only overstate what is held (an expired hold stays
    /// counted until the timer releases it). When that refuses a wallet with held coins, its exact held sum (pending holds not
    /// yet expired) is read under the lock and the balances are computed again.
    /// </summary>
    private static async Task<EntryWrite[]> HeldBalancesAsync(
        Step step, IReadOnlyList<Posting> postings, List<int> pending, Dictionary<long, WalletRow> byOwner, CancellationToken ct)
    {
        while (true)
        {
            try
            {
                return Balances(postings, pending, byOwner);
            }
            catch (InsufficientFundsException refused)
            {
                var wallet = byOwner.Values.First(w => w.Id == refused.WalletId);
                if (wallet.Held == 0 || wallet.HeldExact || wallet.Id == 0)
                {
                    throw;
                }

                wallet.Held = await ActiveHeldCommand.ExecuteAsync(step.Connection, step.Transaction, wallet.Id, step.Now, ct);
                wallet.HeldExact = true;
                foreach (var w in byOwner.Values)
                {
                    w.Balance = w.Original;
                }
            }
        }
    }

    /// <summary>Balances under the locks, in posting order, with checked arithmetic: the entries to write.</summary>
    private static EntryWrite[] Balances(IReadOnlyList<Posting> postings, List<int> pending, Dictionary<long, WalletRow> byOwner)
    {
        var entries = new EntryWrite[pending.Count];
        for (var j = 0; j < pending.Count; j++)
        {
            var posting = postings[pending[j]];
            var wallet = byOwner[posting.OwnerId];
            long next;
            try
            {
                next = checked(wallet.Balance + posting.Delta);
            }
            catch (OverflowException)
            {
                throw Overflow(wallet.Id);
            }

            // A frozen wallet lets no coins out but through an operator's adjustment (ledger_post, v3, holds the same rule).
            if (posting.Delta < 0 && wallet.Frozen && !posting.Adjustment)
            {
                throw new WalletFrozenException(wallet.Id);
            }

            // Held coins are not available: a debit may not reach into them, nor end below zero without overdraft. A credit
            // always applies (even to a wallet whose overdraft was withdrawn while it stood below zero).
            if (posting.Delta < 0 && !wallet.AllowOverdraft && (next < 0 || next - wallet.Held < 0))
            {
                throw new InsufficientFundsException(wallet.Id, wallet.Balance - wallet.Held, -posting.Delta);
            }

            wallet.Balance = next;
            entries[j] = new EntryWrite(wallet.Id, posting.Delta, next, posting.Reason, posting.Key, posting.Fingerprint, posting.Meta,
                posting.Source);
        }

        return entries;
    }
}
