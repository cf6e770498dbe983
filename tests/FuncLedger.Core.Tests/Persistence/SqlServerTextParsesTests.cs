using FuncLedger.Core.Domain;
using FuncLedger.Core.Persistence;
using FuncLedger.Core.Persistence.Commands;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace FuncLedger.Core.Tests.Persistence;

/// <summary>
/// No SQL Server runs here, so every T-SQL text the SQL Server commands send is parsed with ScriptDom (SQL Server 2022's
/// grammar, TSql160Parser) for each shape a write can take, smallest to a full payout batch, with the kept refusal, the drift scan, the fix,
/// the migration history read and the checked-in migration script.
/// </summary>
public sealed class SqlServerTextParsesTests
{
    private static readonly LedgerStore Store = LedgerStore.For(LedgerProvider.SqlServer);

    public static TheoryData<string, string> Texts()
    {
        var texts = new TheoryData<string, string>();
        int[] counts = [1, 2, 3, 64, 256];
        foreach (var keys in (int[])[0, 1, 2, 256])
        {
            foreach (var owners in counts)
            {
                texts.Add($"lookup and lock, {keys} keys, {owners} owners, guarded", Store.LookupAndLock.Text(keys, owners, guarded: keys > 0));
                texts.Add($"lookup and lock, {keys} keys, {owners} owners", Store.LookupAndLock.Text(keys, owners, guarded: false));
            }
        }

        foreach (var wallets in counts)
        {
            texts.Add($"write, {wallets} wallets, {wallets} entries", ((RowWriteCommand)Store.Write).Text(wallets, wallets));
            texts.Add($"write, 1 wallet, {wallets} entries", ((RowWriteCommand)Store.Write).Text(1, wallets));
            texts.Add($"lock and sum, {wallets} wallets", Store.LockSumSet.LockText(wallets));
            texts.Add($"set balances, {wallets} wallets", LockSumSetCommand.SetText(wallets));
        }

        foreach (var (wallets, entries) in ((RowWriteCommand)Store.Write).Plan(LedgerLimits.AwardBatchSizeMax, LedgerLimits.AwardBatchSizeMax).Distinct())
        {
            texts.Add($"write chunk of the largest batch, {wallets} wallets, {entries} entries", ((RowWriteCommand)Store.Write).Text(wallets, entries));
        }

        texts.Add("create wallet", Store.CreateWallet.Text);
        texts.Add("keep a refusal", RecordRefusalCommand.Text);
        texts.Add("keep a refusal and register its client key", RecordRefusalCommand.Text + RecordRefusalCommand.RegisterText);
        var keyed = new Core.Persistence.Commands.WriteRecord(
            new Core.Persistence.Commands.ClientKeyWrite("k", Core.Domain.LedgerOperation.Posting, new string('a', 64)), "k");
        texts.Add("write with a client key and a posting row, 3 wallets, 3 entries", ((RowWriteCommand)Store.Write).Text(3, 3, keyed));
        texts.Add("write with a client key, 1 wallet, 1 entry",
            ((RowWriteCommand)Store.Write).Text(1, 1, Core.Persistence.Commands.WriteRecord.Of("k", Core.Domain.LedgerOperation.Credit, "f")));
        texts.Add("drift scan", DriftScanCommand.Text);
        texts.Add("active held coins", ActiveHeldCommand.Text);
        foreach (var (shape, query) in EfQueries())
        {
            texts.Add(shape, query);
        }

        texts.Add("applied migrations", Store.AppliedMigrations.Text);
        texts.Add("migration script", File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "funcledger-sqlserver.sql")));
        return texts;
    }

    /// <summary>The reads of holds, reversals and wallet changes, which go through EF: their SQL Server text.</summary>
    private static IEnumerable<(string, string)> EfQueries()
    {
        var options = new Microsoft.EntityFrameworkCore.DbContextOptionsBuilder<LedgerDbContext>();
        LedgerDatabase.Configure(options, LedgerProvider.SqlServer, "Server=localhost;Database=parse_only");
        using var db = new LedgerDbContext(options.Options);
        var now = DateTime.UtcNow;
        long[] ids = [1, 2];
        string[] keys = ["a_leg_1", "a_leg_2"];
        yield return ("wallet balance with held coins", Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToQueryString(
            db.Wallets.Where(w => w.OwnerId == 1).Select(w => new
            {
                w.CachedBalance,
                Held = db.Holds.Where(h => h.WalletId == w.Id && h.Status == HoldStatus.Pending && h.ExpiresAt > now).Sum(h => h.Amount),
            })));
        yield return ("due holds", Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToQueryString(
            db.Holds.Where(h => h.Status == HoldStatus.Pending && h.ExpiresAt <= now).OrderBy(h => h.ExpiresAt).Take(500)));
        yield return ("reversed sums", Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToQueryString(
            db.Reversals.Where(r => ids.Contains(r.OriginalEntryId)).GroupBy(r => r.OriginalEntryId).Select(g => new { g.Key, S = g.Sum(r => r.Amount) })));
        yield return ("entries by keys", Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToQueryString(
            db.LedgerEntries.Where(e => keys.Contains(e.IdempotencyKey!))));
        yield return ("a client key's registration", Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToQueryString(
            db.ClientKeys.Where(c => c.IdempotencyKey == "k").Select(c => c.RequestFingerprint)));
        yield return ("a posting by id", Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToQueryString(
            db.Postings.Where(p => p.Id == 1).Select(p => new { p.KeyStem, p.Legs })));
        yield return ("kept refusals by keys", Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToQueryString(
            db.Set<Core.Persistence.KeyedRefusal>().Where(r => keys.Contains(r.IdempotencyKey)).Select(r => new { r.WalletId, r.Amount })));
    }

    [Theory]
    [MemberData(nameof(Texts))]
    public void Every_T_SQL_text_parses_without_errors(string shape, string text)
    {
        var parser = new TSql160Parser(initialQuotedIdentifiers: true);
        using var reader = new StringReader(text);

        var script = parser.Parse(reader, out var errors);

        Assert.True(errors.Count == 0, shape + ": " + string.Join("; ", errors.Select(e => $"{e.Line}:{e.Column} {e.Message}")));
        Assert.NotNull(script);
    }
}
