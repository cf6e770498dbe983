using FuncLedger.Core.Commerce;
using FuncLedger.Core.Domain;
using FuncLedger.Core.Tests.Infrastructure;
using FuncLedger.TestSupport;

namespace FuncLedger.Core.Tests.Shop;

/// <summary>Checkouts: one hold and the stock reserved, then confirmed (captured and every line bought at once), cancelled (voided,
/// stock back) or expired (stock back); closes race safely and retries answer.</summary>
public abstract class ShopCheckoutTests(ILedgerDatabase database) : ShopTestBase(database)
{
    private Task<CheckoutResult> OpenAsync(long owner, string key, params (string Sku, int Quantity, long Price)[] lines) =>
        Shop.CheckoutAsync(CheckoutCommand.Create(OwnerId.From(owner),
            [.. lines.Select(l => new CheckoutLine(Sku.From(l.Sku), l.Quantity, Coins.From(l.Price)))], null, IdempotencyKey.From(key)));

    private async Task StockTwoItemsAsync()
    {
        await Ledger.CreditAsync(1, 1_000, "seed");
        await ItemAsync("frame", 100, stock: 5, title: "Frame");
        await ItemAsync("badge", 30, title: "Badge");
    }

    [Fact]
    public async Task A_checkout_holds_the_total_and_reserves_the_stock_and_a_confirm_buys_every_line_at_once()
    {
        await StockTwoItemsAsync();

        var open = await OpenAsync(1, "cart-1", ("frame", 2, 100), ("badge", 1, 30));

        Assert.Equal((CheckoutStatus.Pending, 230L), (open.Status, open.Total));
        Assert.Equal(new WalletBalance(1, 1_000, 230, 770, false, false), await Ledger.GetWalletAsync(1));
        Assert.Equal(3, await StockAsync("frame"));
        Assert.Equal(0, await HeldAsync(1, "frame"));

        var done = await Shop.ConfirmCheckoutAsync(open.CheckoutId, IdempotencyKey.From("cart-1-confirm"));

        Assert.Equal(CheckoutStatus.Completed, done.Status);
        Assert.Equal([("frame", 2, 200L), ("badge", 1, 30L)], done.Purchases.Select(p => (p.Sku, p.Quantity, p.Total)));
        Assert.Equal(new WalletBalance(1, 770, 0, 770, false, false), await Ledger.GetWalletAsync(1));
        Assert.Equal((2L, 1L, (long?)3), (await HeldAsync(1, "frame"), await HeldAsync(1, "badge"), await StockAsync("frame")));
        Assert.Equal(["Bought 1 x Badge", "Bought 2 x Frame"], (await Ledger.GetHistoryAsync(1)).Take(2).Select(h => h.Reason));
        Assert.Equal(HoldStatus.Captured, (await Ledger.GetHoldAsync(open.HoldId)).Status);
        var again = await Shop.ConfirmCheckoutAsync(open.CheckoutId, IdempotencyKey.From("cart-1-confirm"));
        Assert.True(again.Replayed);
        Assert.Equal(done.Purchases, again.Purchases);
        await Assert.ThrowsAsync<CheckoutNotPendingException>(() => Shop.ConfirmCheckoutAsync(open.CheckoutId));
        await Assert.ThrowsAsync<CheckoutNotPendingException>(() => Shop.CancelCheckoutAsync(open.CheckoutId));
        var revenue = await Shop.GetRevenueAsync();
        Assert.Equal((230L, true), (revenue.Gross, revenue.Consistent));
        Assert.Equal((0L, 0L), (await Db.DriftedWalletCountAsync(), await Db.HeldDriftCountAsync()));
        await Db.ExecuteAsync($"UPDATE shop_checkouts SET status = {(int)CheckoutStatus.Pending}");
        Assert.Equal((1L, false), ((await Shop.GetRevenueAsync()).CheckoutDrift, (await Shop.GetRevenueAsync()).Consistent));
    }

    [Fact]
    public async Task A_cancel_voids_the_hold_and_returns_the_stock_and_a_retried_open_answers_the_first()
    {
        await StockTwoItemsAsync();
        var open = await OpenAsync(1, "cart-1", ("frame", 5, 100));
        var retried = await OpenAsync(1, "cart-1", ("frame", 5, 100));

        var cancelled = await Shop.CancelCheckoutAsync(open.CheckoutId, IdempotencyKey.From("cart-1-cancel"));
        var again = await Shop.CancelCheckoutAsync(open.CheckoutId, IdempotencyKey.From("cart-1-cancel"));

        Assert.Equal((open.CheckoutId, true), (retried.CheckoutId, retried.Replayed));
        Assert.Equal((CheckoutStatus.Cancelled, true), (cancelled.Status, again.Replayed));
        Assert.Equal(5, await StockAsync("frame"));
        Assert.Equal(new WalletBalance(1, 1_000, 0, 1_000, false, false), await Ledger.GetWalletAsync(1));
        Assert.Equal(HoldStatus.Voided, (await Ledger.GetHoldAsync(open.HoldId)).Status);
        await Assert.ThrowsAsync<CheckoutNotPendingException>(() => Shop.ConfirmCheckoutAsync(open.CheckoutId));
        await Assert.ThrowsAsync<IdempotencyConflictException>(() => OpenAsync(1, "cart-1", ("frame", 4, 100)));
        await Assert.ThrowsAsync<IdempotencyConflictException>(() => Shop.ConfirmCheckoutAsync(open.CheckoutId,
            IdempotencyKey.From("cart-1-cancel")));
        await Assert.ThrowsAsync<CheckoutNotFoundException>(() => Shop.GetCheckoutAsync(999));
    }

    [Fact]
    public async Task A_refused_checkout_reserves_nothing_and_holds_nothing()
    {
        await StockTwoItemsAsync();
        await ItemAsync("one", 10, limit: 1);
        await OpenAsync(1, "cart-0", ("one", 1, 10));
        var before = await ShopSnapshotAsync();

        await Assert.ThrowsAsync<OutOfStockException>(() => OpenAsync(1, "cart-1", ("badge", 1, 30), ("frame", 6, 100)));
        await Assert.ThrowsAsync<PriceChangedException>(() => OpenAsync(1, "cart-2", ("frame", 1, 99)));
        await Assert.ThrowsAsync<PurchaseLimitException>(() => OpenAsync(1, "cart-3", ("one", 1, 10)));
        // A direct purchase counts the units a pending checkout holds too (found by the model test).
        await Assert.ThrowsAsync<PurchaseLimitException>(() => BuyAsync(1, "one", 1, 10, "buy-one"));
        await Assert.ThrowsAsync<InsufficientFundsException>(() => OpenAsync(1, "cart-4", ("badge", 34, 30)));
        await Assert.ThrowsAsync<ItemNotFoundException>(() => OpenAsync(1, "cart-5", ("none", 1, 30)));

        Assert.Equal(before, await ShopSnapshotAsync());
        Assert.Equal(10, (await Ledger.GetWalletAsync(1)).Held);
        Assert.Throws<LedgerValidationException>(() => CheckoutCommand.Create(OwnerId.From(1), [], null, IdempotencyKey.From("k")));
        Assert.Throws<LedgerValidationException>(() => CheckoutCommand.Create(OwnerId.From(1),
            [new CheckoutLine(Sku.From("a"), 1, Coins.From(1)), new CheckoutLine(Sku.From("a"), 2, Coins.From(1))], null,
            IdempotencyKey.From("k")));
        Assert.Throws<LedgerValidationException>(() => CheckoutCommand.Create(OwnerId.From(1),
            [new CheckoutLine(Sku.From("a"), 0, Coins.From(1))], null, IdempotencyKey.From("k")));
    }

    [Fact]
    public async Task An_expired_checkout_returns_its_stock_on_read_and_by_the_timer_and_cannot_be_closed()
    {
        await StockTwoItemsAsync();
        var first = await OpenAsync(1, "cart-1", ("frame", 2, 100));
        var second = await OpenAsync(1, "cart-2", ("frame", 3, 100));
        Assert.Equal(0, await StockAsync("frame"));
        Db.Time.Shift(TimeSpan.FromMinutes(16));

        var read = await Shop.GetCheckoutAsync(first.CheckoutId);
        Assert.Equal((CheckoutStatus.Expired, (long?)2), (read.Status, await StockAsync("frame")));
        Assert.Equal(1, await Shop.ReleaseExpiredCheckoutsAsync());
        Assert.Equal(0, await Shop.ReleaseExpiredCheckoutsAsync());

        Assert.Equal(5, await StockAsync("frame"));
        await Assert.ThrowsAsync<CheckoutNotPendingException>(() => Shop.ConfirmCheckoutAsync(second.CheckoutId));
        Assert.Equal(1_000, await Ledger.GetBalanceAsync(1));
        var third = await OpenAsync(1, "cart-3", ("frame", 1, 100));
        Db.Time.Shift(TimeSpan.FromMinutes(16));
        await Assert.ThrowsAsync<CheckoutExpiredException>(() => Shop.ConfirmCheckoutAsync(third.CheckoutId));
        await Assert.ThrowsAsync<CheckoutNotPendingException>(() => Shop.CancelCheckoutAsync(third.CheckoutId));
        Assert.Equal(5, await StockAsync("frame"));
    }

    [Fact]
    public async Task A_confirm_and_a_cancel_racing_on_one_checkout_leave_exactly_one_winner()
    {
        await StockTwoItemsAsync();
        for (var round = 1; round <= 5; round++)
        {
            var open = await OpenAsync(1, $"cart-{round}", ("badge", 1, 30));
            var confirm = Task.Run(() => Shop.ConfirmCheckoutAsync(open.CheckoutId, IdempotencyKey.From($"confirm-{round}")));
            var cancel = Task.Run(() => Shop.CancelCheckoutAsync(open.CheckoutId, IdempotencyKey.From($"cancel-{round}")));
            var outcomes = await Task.WhenAll(Outcome(confirm), Outcome(cancel));

            Assert.Equal(1, outcomes.Count(o => o == "won"));
            Assert.Equal(1, outcomes.Count(o => o == ShopErrorCodes.CheckoutNotPending));
        }

        var bought = await Db.ScalarAsync("SELECT COUNT(*) FROM shop_purchases");
        Assert.Equal(1_000 - (30 * bought), await Ledger.GetBalanceAsync(1));
        Assert.Equal(bought, await HeldAsync(1, "badge"));
        Assert.Equal((0L, 0L), (await Db.DriftedWalletCountAsync(), await Db.HeldDriftCountAsync()));
    }

    private static async Task<string> Outcome(Task<CheckoutResult> close)
    {
        try
        {
            await close;
            return "won";
        }
        catch (CheckoutNotPendingException e)
        {
            return e.Code;
        }
    }
}

[Collection(SqliteCollection.Name)]
public sealed class ShopCheckoutSqliteTests(SqliteDatabaseFixture database) : ShopCheckoutTests(database);

[Collection(PostgresCollection.Name)]
public sealed class ShopCheckoutPostgresTests(PostgresDatabaseFixture database) : ShopCheckoutTests(database);

[SqlServerLane, Collection(SqlServerCollection.Name)]
public sealed class ShopCheckoutSqlServerTests(SqlServerDatabaseFixture database) : ShopCheckoutTests(database);
