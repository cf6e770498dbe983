using FuncLedger.Core.Commerce;
using FuncLedger.Core.Domain;
using FuncLedger.Core.Tests.Infrastructure;
using FuncLedger.TestSupport;

namespace FuncLedger.Core.Tests.Shop;

/// <summary>Refunds: coins back, units out of the inventory and back in stock, all or none, never more than was bought.</summary>
public abstract class ShopRefundTests(ILedgerDatabase database) : ShopTestBase(database)
{
    [Fact]
    public async Task A_partial_refund_then_the_rest_gives_back_the_coins_takes_the_units_and_returns_the_stock()
    {
        await Ledger.CreditAsync(1, 1_000, "seed");
        await ItemAsync("frame", 100, stock: 5, title: "Frame");
        var bought = await BuyAsync(1, "frame", 3, 100, "buy-1");

        var part = await RefundAsync(bought.PurchaseId, "refund-1", quantity: 1);
        var rest = await RefundAsync(bought.PurchaseId, "refund-2");

        Assert.Equal((1, 100L, 800L, false), (part.Quantity, part.Coins, part.BalanceAfter, part.Forced));
        Assert.Equal((2, 200L, 1_000L), (rest.Quantity, rest.Coins, rest.BalanceAfter));
        Assert.Equal((0L, (long?)5), (await HeldAsync(1, "frame"), await StockAsync("frame")));
        Assert.Equal("Refund: 2 x Frame", (await Ledger.GetHistoryAsync(1))[0].Reason);
        Assert.Equal(3, (await Shop.GetPurchasesAsync(OwnerId.From(1), new ShopPage())).Purchases[0].RefundedQuantity);
        var exceeded = await Assert.ThrowsAsync<RefundExceedsPurchaseException>(() => RefundAsync(bought.PurchaseId, "refund-3"));
        Assert.Equal("refund_exceeds_purchase", exceeded.Code);
        var revenue = await Shop.GetRevenueAsync();
        Assert.Equal((300L, 300L, 0L, 0L, true), (revenue.Gross, revenue.Refunded, revenue.Net, revenue.UnitsSold, revenue.Consistent));
        Assert.Equal(0, await Db.DriftedWalletCountAsync());
    }

    [Fact]
    public async Task A_retried_refund_answers_the_first_and_a_key_of_another_request_is_a_conflict()
    {
        await Ledger.CreditAsync(1, 1_000, "seed");
        await ItemAsync("frame", 100);
        var bought = await BuyAsync(1, "frame", 2, 100, "buy-1");
        var first = await RefundAsync(bought.PurchaseId, "refund-1");
        var before = await ShopSnapshotAsync();

        var again = await RefundAsync(bought.PurchaseId, "refund-1");

        Assert.Equal(first with { Replayed = true }, again);
        Assert.Equal(before, await ShopSnapshotAsync());
        await Assert.ThrowsAsync<IdempotencyConflictException>(() => RefundAsync(bought.PurchaseId, "refund-1", quantity: 1));
        await Assert.ThrowsAsync<IdempotencyConflictException>(() => RefundAsync(bought.PurchaseId, "buy-1"));
        await Assert.ThrowsAsync<PurchaseNotFoundException>(() => RefundAsync(999, "refund-9"));
        Assert.Throws<LedgerValidationException>(() => RefundCommand.Create(1, "r", 0, false, IdempotencyKey.From("k"), "ops"));
    }

    [Fact]
    public async Task Units_the_player_no_longer_holds_are_refunded_only_with_force_which_is_recorded()
    {
        await Ledger.CreditAsync(1, 1_000, "seed");
        await ItemAsync("potion", 10, stock: 10);
        var bought = await BuyAsync(1, "potion", 3, 10, "buy-1");
        // The game used two of the three potions.
        await Shop.ConsumeAsync(ConsumeCommand.Create(OwnerId.From(1), Sku.From("potion"), 2, IdempotencyKey.From("use-1")));
        Assert.True((await Shop.GetRevenueAsync()).Consistent);
        var before = await ShopSnapshotAsync();

        var consumed = await Assert.ThrowsAsync<ItemConsumedException>(() => RefundAsync(bought.PurchaseId, "refund-1"));
        Assert.Equal(before, await ShopSnapshotAsync());
        var forced = await RefundAsync(bought.PurchaseId, "refund-2", force: true);

        Assert.Equal("item_consumed", consumed.Code);
        Assert.Equal((3, 30L, true, 1_000L), (forced.Quantity, forced.Coins, forced.Forced, forced.BalanceAfter));
        // Only the unit taken back returns to stock: consumed units are gone.
        Assert.Equal((0L, (long?)8), (await HeldAsync(1, "potion"), await StockAsync("potion")));
        Assert.Equal(1, await Db.ScalarAsync($"SELECT COUNT(*) FROM shop_refunds WHERE forced = {Sql.Bool(Db.Provider, true)}"));
        Assert.True((await Shop.GetRevenueAsync()).Consistent);
    }
}

[Collection(SqliteCollection.Name)]
public sealed class ShopRefundSqliteTests(SqliteDatabaseFixture database) : ShopRefundTests(database);

[Collection(PostgresCollection.Name)]
public sealed class ShopRefundPostgresTests(PostgresDatabaseFixture database) : ShopRefundTests(database);

[SqlServerLane, Collection(SqlServerCollection.Name)]
public sealed class ShopRefundSqlServerTests(SqlServerDatabaseFixture database) : ShopRefundTests(database);
