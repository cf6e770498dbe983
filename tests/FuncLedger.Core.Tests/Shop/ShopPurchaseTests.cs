using FuncLedger.Core.Commerce;
using FuncLedger.Core.Domain;
using FuncLedger.Core.Tests.Infrastructure;
using FuncLedger.TestSupport;

namespace FuncLedger.Core.Tests.Shop;

/// <summary>Purchases: the debit, the row, the grant and the stock together; replays; every refusal writes nothing.</summary>
public abstract class ShopPurchaseTests(ILedgerDatabase database) : ShopTestBase(database)
{
    [Fact]
    public async Task A_purchase_debits_the_total_records_the_price_grants_the_units_and_takes_them_from_stock()
    {
        await Ledger.CreditAsync(1, 1_000, "seed");
        await ItemAsync("golden-frame", 150, stock: 10, title: "Golden frame");

        var bought = await BuyAsync(1, "golden-frame", 2, 150, "buy-1");

        Assert.Equal((1L, "golden-frame", 2, 150L, 300L, 700L, false), (bought.OwnerId, bought.Sku, bought.Quantity, bought.Price,
            bought.Total, bought.BalanceAfter, bought.Replayed));
        Assert.Equal(700, await Ledger.GetBalanceAsync(1));
        Assert.Equal([new InventoryLine("golden-frame", "Golden frame", 2)], await Shop.GetInventoryAsync(OwnerId.From(1)));
        Assert.Equal(8, await StockAsync("golden-frame"));
        var entry = (await Ledger.GetHistoryAsync(1))[0];
        Assert.Equal((bought.TransactionId, -300L, "Bought 2 x Golden frame", "buy-1"),
            (entry.Id, entry.Amount, entry.Reason, entry.IdempotencyKey));
        Assert.Contains("\"sku\":\"golden-frame\"", await Db.ScalarTextAsync($"SELECT meta FROM ledger_entries WHERE id = {entry.Id}"),
            StringComparison.Ordinal);
        Assert.Equal(0, await Db.DriftedWalletCountAsync());
    }

    [Fact]
    public async Task A_retry_under_the_key_answers_the_first_purchase_even_after_the_price_changed_and_writes_nothing()
    {
        await Ledger.CreditAsync(1, 1_000, "seed");
        await ItemAsync("badge", 100, stock: 5);
        var first = await BuyAsync(1, "badge", 1, 100, "buy-1");
        await Shop.UpdateItemAsync(Sku.From("badge"), Terms("badge", 120, stock: 4));
        var before = await ShopSnapshotAsync();

        var again = await BuyAsync(1, "badge", 1, 100, "buy-1");

        Assert.True(again.Replayed);
        Assert.Equal(first with { Replayed = true }, again);
        Assert.Equal(before, await ShopSnapshotAsync());
        await Assert.ThrowsAsync<IdempotencyConflictException>(() => BuyAsync(1, "badge", 2, 100, "buy-1"));
        await Ledger.DebitAsync(1, 5, "other", "debit-1");
        await Assert.ThrowsAsync<IdempotencyConflictException>(() => BuyAsync(1, "badge", 1, 120, "debit-1"));
        await Assert.ThrowsAsync<IdempotencyConflictException>(() => Ledger.DebitAsync(1, 100, "x", "buy-1"));
    }

    [Fact]
    public async Task Every_refusal_names_its_reason_and_leaves_balances_stock_and_inventory_as_they_were()
    {
        var now = Db.Time.GetUtcNow();
        await Ledger.CreditAsync(1, 500, "seed");
        await ItemAsync("frame", 100, stock: 3, limit: 4);
        await ItemAsync("later", 10, startsAt: now.AddDays(1));
        await ItemAsync("gone", 10);
        await Shop.DeactivateItemAsync(Sku.From("gone"));
        await BuyAsync(1, "frame", 2, 100, "ok-1");
        var before = await ShopSnapshotAsync();

        var price = await Assert.ThrowsAsync<PriceChangedException>(() => BuyAsync(1, "frame", 1, 90, "k-1"));
        var stock = await Assert.ThrowsAsync<OutOfStockException>(() => BuyAsync(1, "frame", 2, 100, "k-2"));
        await Assert.ThrowsAsync<ItemUnavailableException>(() => BuyAsync(1, "later", 1, 10, "k-3"));
        await Assert.ThrowsAsync<ItemUnavailableException>(() => BuyAsync(1, "gone", 1, 10, "k-4"));
        await Assert.ThrowsAsync<ItemNotFoundException>(() => BuyAsync(1, "nothing", 1, 10, "k-5"));
        await Assert.ThrowsAsync<InvalidWalletException>(() => BuyAsync(2, "frame", 1, 100, "k-6"));

        Assert.Equal((100L, 1L), (price.Price, stock.Stock));
        Assert.Equal("price_changed", price.Code);
        Assert.Equal(before, await ShopSnapshotAsync());
        await Shop.UpdateItemAsync(Sku.From("frame"), Terms("frame", 100, stock: 10, limit: 3));
        await Assert.ThrowsAsync<PurchaseLimitException>(() => BuyAsync(1, "frame", 2, 100, "k-7"));
        await Db.Admin.SetFrozenAsync(OwnerId.From(1), true, "ops");
        await Assert.ThrowsAsync<WalletFrozenException>(() => BuyAsync(1, "frame", 1, 100, "k-8"));
        Assert.Equal((300L, 10L, 2L), (await Ledger.GetBalanceAsync(1), (await StockAsync("frame"))!.Value, await HeldAsync(1, "frame")));
    }

    [Fact]
    public async Task A_purchase_beyond_the_balance_is_refused_and_refused_again_under_its_key_after_a_top_up()
    {
        await Ledger.CreditAsync(1, 50, "seed");
        await ItemAsync("frame", 100, stock: 3);
        var before = await ShopSnapshotAsync();

        var refused = await Assert.ThrowsAsync<InsufficientFundsException>(() => BuyAsync(1, "frame", 1, 100, "k-1"));
        Assert.Equal(before, await ShopSnapshotAsync());
        await Ledger.CreditAsync(1, 100, "top up");
        var again = await Assert.ThrowsAsync<InsufficientFundsException>(() => BuyAsync(1, "frame", 1, 100, "k-1"));

        Assert.Equal((50L, false, true), (refused.Balance, refused.Replayed, again.Replayed));
        Assert.Equal(150L, (await BuyAsync(1, "frame", 1, 100, "k-2")).BalanceAfter + 100);
        Assert.Equal(2, await StockAsync("frame"));
    }

    [Fact]
    public async Task Purchases_read_newest_first_page_by_page_and_a_bad_quantity_or_total_is_refused_before_any_write()
    {
        await Ledger.CreditAsync(1, 10_000, "seed");
        await ItemAsync("gem", 10);
        for (var i = 1; i <= 3; i++)
        {
            await BuyAsync(1, "gem", i, 10, $"gem-{i}");
        }

        var first = await Shop.GetPurchasesAsync(OwnerId.From(1), ShopPage.Create(2, null));
        var second = await Shop.GetPurchasesAsync(OwnerId.From(1), ShopPage.Create(2, first.Next));

        Assert.Equal([3, 2], first.Purchases.Select(p => p.Quantity));
        Assert.Equal([1], second.Purchases.Select(p => p.Quantity));
        Assert.Null(second.Next);
        Assert.Equal(9_940, first.Purchases[0].BalanceAfter);
        Assert.Empty((await Shop.GetPurchasesAsync(OwnerId.From(2), new ShopPage())).Purchases);
        await Assert.ThrowsAsync<LedgerValidationException>(() => Shop.GetPurchasesAsync(OwnerId.From(1), ShopPage.Create(2, "bm9wZQ")));
        Assert.Throws<LedgerValidationException>(() => PurchaseCommand.Create(OwnerId.From(1), Sku.From("gem"), 0, Coins.From(1),
            IdempotencyKey.From("k")));
        Assert.Throws<InvalidAmountException>(() => PurchaseCommand.Create(OwnerId.From(1), Sku.From("gem"), 1_000,
            Coins.From(LedgerLimits.AmountMax), IdempotencyKey.From("k")));
    }

    [Fact]
    public async Task Fifty_buyers_racing_for_a_stock_of_ten_make_exactly_ten_purchases_and_forty_out_of_stock()
    {
        await ItemAsync("limited", 10, stock: 10);
        for (var owner = 1; owner <= 50; owner++)
        {
            await Ledger.CreditAsync(owner, 100, "seed");
        }

        var attempts = await Task.WhenAll(Enumerable.Range(1, 50).Select(async owner =>
        {
            try
            {
                await BuyAsync(owner, "limited", 1, 10, $"race-{owner}");
                return "ok";
            }
            catch (OutOfStockException e)
            {
                return e.Code;
            }
        }));

        Assert.Equal(10, attempts.Count(a => a == "ok"));
        Assert.Equal(40, attempts.Count(a => a == "out_of_stock"));
        Assert.Equal(0, await StockAsync("limited"));
        Assert.Equal(10, await Db.ScalarAsync("SELECT COUNT(*) FROM shop_purchases"));
        Assert.Equal(10, await Db.ScalarAsync("SELECT SUM(quantity) FROM shop_inventory"));
        Assert.Equal(50 * 100 - 100, await Db.SumOfBalancesAsync());
        var revenue = await Shop.GetRevenueAsync();
        Assert.Equal((10L, 100L, 100L, true), (revenue.Purchases, revenue.Gross, revenue.EntriesNet, revenue.Consistent));
    }

    [Fact]
    public async Task One_player_racing_one_item_with_a_limit_of_one_under_twenty_keys_buys_it_once()
    {
        await Ledger.CreditAsync(1, 1_000, "seed");
        await ItemAsync("once", 10, limit: 1);

        var attempts = await Task.WhenAll(Enumerable.Range(1, 20).Select(async i =>
        {
            try
            {
                await BuyAsync(1, "once", 1, 10, $"once-{i}");
                return "ok";
            }
            catch (PurchaseLimitException e)
            {
                return e.Code;
            }
        }));

        Assert.Equal(1, attempts.Count(a => a == "ok"));
        Assert.Equal(19, attempts.Count(a => a == "purchase_limit"));
        Assert.Equal((990L, 1L), (await Ledger.GetBalanceAsync(1), await HeldAsync(1, "once")));
    }

    [Fact]
    public async Task Twenty_requests_racing_under_one_key_buy_once_and_nineteen_answer_that_purchase()
    {
        await Ledger.CreditAsync(1, 1_000, "seed");
        await ItemAsync("frame", 10, stock: 50);

        var answers = await Task.WhenAll(Enumerable.Range(1, 20).Select(_ => BuyAsync(1, "frame", 2, 10, "one-key")));

        Assert.Single(answers.Select(a => a.PurchaseId).Distinct());
        Assert.Equal((1, 19), (answers.Count(a => !a.Replayed), answers.Count(a => a.Replayed)));
        Assert.All(answers, a => Assert.Equal(980L, a.BalanceAfter));
        Assert.Equal((980L, 2L, 48L), (await Ledger.GetBalanceAsync(1), await HeldAsync(1, "frame"), (await StockAsync("frame"))!.Value));
        Assert.Equal(1, await Db.ScalarAsync("SELECT COUNT(*) FROM shop_purchases"));
    }

    [Fact]
    public async Task A_purchase_spends_only_the_coins_a_hold_leaves_and_is_refused_with_the_available_balance_beyond_them()
    {
        await Ledger.CreditAsync(1, 100, "seed");
        await ItemAsync("frame", 30);
        await Ledger.HoldAsync(1, 60, "tournament fee", "fee-1");

        var bought = await BuyAsync(1, "frame", 1, 30, "k-1");
        var before = await ShopSnapshotAsync();
        var refused = await Assert.ThrowsAsync<InsufficientFundsException>(() => BuyAsync(1, "frame", 1, 30, "k-2"));

        Assert.Equal((70L, 10L, 30L), (bought.BalanceAfter, refused.Balance, refused.Amount));
        Assert.Equal(before, await ShopSnapshotAsync());
        Assert.Equal(1L, await HeldAsync(1, "frame"));
    }
}

[Collection(SqliteCollection.Name)]
public sealed class ShopPurchaseSqliteTests(SqliteDatabaseFixture database) : ShopPurchaseTests(database);

[Collection(PostgresCollection.Name)]
public sealed class ShopPurchasePostgresTests(PostgresDatabaseFixture database) : ShopPurchaseTests(database);

[SqlServerLane, Collection(SqlServerCollection.Name)]
public sealed class ShopPurchaseSqlServerTests(SqlServerDatabaseFixture database) : ShopPurchaseTests(database);
