using FuncLedger.Core.Commerce;
using FuncLedger.Core.Domain;
using FuncLedger.Core.Tests.Infrastructure;
using FuncLedger.TestSupport;

namespace FuncLedger.Core.Tests.Shop;

/// <summary>A player uses items it holds: out of the inventory under the owner's lock, no coins moved, once per key; a refund
/// afterwards finds the units gone; the drift check counts the use.</summary>
public abstract class ShopConsumptionTests(ILedgerDatabase database) : ShopTestBase(database)
{
    [Fact]
    public async Task Using_items_takes_them_out_of_the_inventory_once_per_key_and_moves_no_coins()
    {
        await Ledger.CreditAsync(1, 1_000, "seed");
        await ItemAsync("potion", 10, stock: 10);
        await BuyAsync(1, "potion", 3, 10, "buy-1");
        var balance = await Ledger.GetBalanceAsync(1);

        var used = await ConsumeAsync(1, "potion", 2, "use-1");
        var again = await ConsumeAsync(1, "potion", 2, "use-1");

        Assert.Equal((1L, "potion", 2, 1L, false), (used.OwnerId, used.Sku, used.Quantity, used.Remaining, used.Replayed));
        Assert.Equal(used with { Replayed = true }, again);
        Assert.Equal((1L, balance, (long?)7), (await HeldAsync(1, "potion"), await Ledger.GetBalanceAsync(1), await StockAsync("potion")));
        Assert.True((await Shop.GetRevenueAsync()).Consistent);
        // The key names this use: another request under it, of any kind, is a conflict.
        await Assert.ThrowsAsync<IdempotencyConflictException>(() => ConsumeAsync(1, "potion", 1, "use-1"));
        await Assert.ThrowsAsync<IdempotencyConflictException>(() => Ledger.CreditAsync(1, 5, "bonus", "use-1"));
        await Assert.ThrowsAsync<IdempotencyConflictException>(() => ConsumeAsync(1, "potion", 1, "buy-1"));
        Assert.Throws<LedgerValidationException>(() => ConsumeCommand.Create(OwnerId.From(1), Sku.From("potion"), 0, IdempotencyKey.From("k")));
    }

    [Fact]
    public async Task Using_more_than_is_held_or_an_unknown_item_is_refused_and_leaves_everything_as_it_was()
    {
        await Ledger.CreditAsync(1, 1_000, "seed");
        await ItemAsync("potion", 10);
        await BuyAsync(1, "potion", 1, 10, "buy-1");
        var before = await ShopSnapshotAsync();
        var consumptions = await Db.ScalarAsync("SELECT COUNT(*) FROM shop_consumptions");

        var short1 = await Assert.ThrowsAsync<NotEnoughItemsException>(() => ConsumeAsync(1, "potion", 2, "use-1"));
        var none = await Assert.ThrowsAsync<NotEnoughItemsException>(() => ConsumeAsync(2, "potion", 1, "use-2"));
        await Assert.ThrowsAsync<ItemNotFoundException>(() => ConsumeAsync(1, "elixir", 1, "use-3"));

        Assert.Equal(("not_enough_items", 1L, 0L), (short1.Code, short1.Held, none.Held));
        Assert.Equal(before, await ShopSnapshotAsync());
        Assert.Equal(consumptions, await Db.ScalarAsync("SELECT COUNT(*) FROM shop_consumptions"));
        // A refused use registers nothing: its key is free for the same request once the player holds the units.
        await BuyAsync(1, "potion", 1, 10, "buy-2");
        Assert.Equal(0L, (await ConsumeAsync(1, "potion", 2, "use-1")).Remaining);
        Assert.Equal(0, await Db.ScalarAsync("SELECT COUNT(*) FROM wallets WHERE owner_id = 2"));
    }

    [Fact]
    public async Task A_refund_of_used_units_is_item_consumed_unless_forced_and_the_drift_check_stays_clean()
    {
        await Ledger.CreditAsync(1, 1_000, "seed");
        await ItemAsync("potion", 10, stock: 10);
        var bought = await BuyAsync(1, "potion", 3, 10, "buy-1");
        await ConsumeAsync(1, "potion", 2, "use-1");

        await Assert.ThrowsAsync<ItemConsumedException>(() => RefundAsync(bought.PurchaseId, "refund-1"));
        var part = await RefundAsync(bought.PurchaseId, "refund-2", quantity: 1);
        var forced = await RefundAsync(bought.PurchaseId, "refund-3", force: true);

        Assert.Equal((1, 2, true), (part.Quantity, forced.Quantity, forced.Forced));
        Assert.Equal((0L, (long?)8, 1_000L), (await HeldAsync(1, "potion"), await StockAsync("potion"), await Ledger.GetBalanceAsync(1)));
        var revenue = await Shop.GetRevenueAsync();
        Assert.Equal((0L, true), (revenue.InventoryDrift, revenue.Consistent));
        // A line changed behind the shop's back is still found.
        await Db.ExecuteAsync("UPDATE shop_inventory SET quantity = 5 WHERE owner_id = 1");
        Assert.Equal(1L, (await Shop.GetRevenueAsync()).InventoryDrift);
    }

    [Fact]
    public async Task Racing_uses_of_the_last_units_take_each_unit_once()
    {
        await Ledger.CreditAsync(1, 1_000, "seed");
        await ItemAsync("ticket", 10);
        await BuyAsync(1, "ticket", 5, 10, "buy-1");

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(async () =>
        {
            try
            {
                return (await ConsumeAsync(1, "ticket", 1, $"use-{i}")).Quantity;
            }
            catch (NotEnoughItemsException)
            {
                return 0;
            }
        })));

        Assert.Equal((5, 5), (outcomes.Count(o => o == 1), outcomes.Count(o => o == 0)));
        Assert.Equal(0L, await HeldAsync(1, "ticket"));
        Assert.True((await Shop.GetRevenueAsync()).Consistent);
    }

    private Task<ConsumeResult> ConsumeAsync(long owner, string sku, int quantity, string key) =>
        Shop.ConsumeAsync(ConsumeCommand.Create(OwnerId.From(owner), Sku.From(sku), quantity, IdempotencyKey.From(key)));
}

[Collection(SqliteCollection.Name)]
public sealed class ShopConsumptionSqliteTests(SqliteDatabaseFixture database) : ShopConsumptionTests(database);

[Collection(PostgresCollection.Name)]
public sealed class ShopConsumptionPostgresTests(PostgresDatabaseFixture database) : ShopConsumptionTests(database);

[SqlServerLane, Collection(SqlServerCollection.Name)]
public sealed class ShopConsumptionSqlServerTests(SqlServerDatabaseFixture database) : ShopConsumptionTests(database);
