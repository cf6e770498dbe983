using FuncLedger.Core.Commerce;
using FuncLedger.Core.Domain;
using FuncLedger.Core.Tests.Infrastructure;
using FuncLedger.TestSupport;

namespace FuncLedger.Core.Tests.Shop;

/// <summary>Every entry records what wrote it, on every write path (PostgreSQL's one-statement write and the general path), and
/// the history answers it, so a report tells a payout from a purchase without reading reasons or keys.</summary>
public abstract class EntrySourceTests(ILedgerDatabase database) : ShopTestBase(database)
{
    [Fact]
    public async Task Each_kind_of_write_records_its_source_on_its_entries()
    {
        await Ledger.AwardParticipationAsync(7, 1, 1_000);
        await Ledger.CreditAsync(1, 50, "gift", "credit-1");
        await Ledger.CreditAsync(1, 5, "unkeyed gift");
        await Ledger.DebitAsync(1, 20, "fee", "debit-1");
        await Ledger.TransferAsync(1, 2, 30, "tip", "transfer-1");
        var posting = await Ledger.PostAsync([(1, -10), (2, 4), (3, 6)], "split", "posting-1");
        var hold = await Ledger.HoldAsync(1, 40, "entry fee", "hold-1");
        await Ledger.CaptureAsync(hold.HoldId, toOwnerId: 3, idempotencyKey: "capture-1");
        await Ledger.ReversePostingAsync(posting.PostingId, "undo", "reverse-1");
        await Ledger.AdjustAsync(1, -5, "correction", "adjust-1");
        await ItemAsync("frame", 100, title: "Frame");
        var bought = await BuyAsync(1, "frame", 2, 100, "buy-1");
        await RefundAsync(bought.PurchaseId, "refund-1", quantity: 1);
        var open = await Shop.CheckoutAsync(CheckoutCommand.Create(OwnerId.From(1), [new CheckoutLine(Sku.From("frame"), 1,
            Coins.From(100))], null, IdempotencyKey.From("cart-1")));
        await Shop.ConfirmCheckoutAsync(open.CheckoutId, IdempotencyKey.From("cart-1-confirm"));

        var history = (await Ledger.GetHistoryAsync(1, limit: 100)).Reverse().Select(i => (i.Amount, i.Source)).ToArray();

        Assert.Equal(
        [
            (1_000L, EntrySource.Award), (50L, EntrySource.Credit), (5L, EntrySource.Credit), (-20L, EntrySource.Debit),
            (-30L, EntrySource.Transfer), (-10L, EntrySource.Posting), (-40L, EntrySource.HoldCapture), (10L, EntrySource.Reversal),
            (-5L, EntrySource.Adjustment), (-200L, EntrySource.Purchase), (100L, EntrySource.Refund), (-100L, EntrySource.Purchase),
        ], history);
        var payee = (await Ledger.GetHistoryAsync(3)).Select(i => (i.Amount, i.Source));
        Assert.Equal([(-6L, EntrySource.Reversal), (40L, EntrySource.HoldCapture), (6L, EntrySource.Posting)], payee);
        Assert.Equal(0, await Db.ScalarAsync("SELECT COUNT(*) FROM ledger_entries WHERE source = 0"));
    }

    [Fact]
    public void Every_source_has_one_stable_wire_name()
    {
        Assert.Equal(Enum.GetValues<EntrySource>().Length, EntrySources.Names.Distinct().Count());
        Assert.Equal(["unrecorded", "credit", "debit", "transfer", "posting", "hold_capture", "reversal", "adjustment", "purchase",
            "refund", "award", "promo"], EntrySources.Names);
        Assert.Equal("unrecorded", EntrySources.Name((EntrySource)99));
    }
}

[Collection(SqliteCollection.Name)]
public sealed class EntrySourceSqliteTests(SqliteDatabaseFixture database) : EntrySourceTests(database);

[Collection(PostgresCollection.Name)]
public sealed class EntrySourcePostgresTests(PostgresDatabaseFixture database) : EntrySourceTests(database);

[SqlServerLane, Collection(SqlServerCollection.Name)]
public sealed class EntrySourceSqlServerTests(SqlServerDatabaseFixture database) : EntrySourceTests(database);
