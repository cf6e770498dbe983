using CsCheck;
using FuncLedger.Core.Commerce;
using FuncLedger.Core.Domain;
using FuncLedger.Core.Tests.Infrastructure;
using FuncLedger.TestSupport;

namespace FuncLedger.Core.Tests.Shop;

/// <summary>
/// The model-based property test of the shop (CsCheck): random purchases (at the right price or a stale one), retries of earlier
/// purchase keys, price changes, restocks, refunds, and checkouts opened, confirmed and cancelled, by three owners over three
/// items (one with a per-player limit of 3, two with a small stock), against a plain model of balances, held coins, stock,
/// inventory, purchases and the keys. For every request the model says what must happen: a replay, a typed refusal (price
/// changed, out of stock, purchase limit, insufficient funds, kept under its key), or the write; after every step the wallets,
/// the stock and the inventory equal the model's. On failure CsCheck prints the seed ("Set seed: ..."); set it in CsCheck_Seed
/// to replay the case.
/// </summary>
public abstract class ShopModelPropertyTests(ILedgerDatabase database) : ShopTestBase(database)
{
    private const int Owners = 3;
    private int _run;

    private sealed record ModelItem(string Sku, int? Limit)
    {
        public long Price { get; set; }

        public long? Stock { get; set; }
    }

    private sealed record ModelPurchase(long Id, long Owner, string Sku, int Quantity, long Price)
    {
        public int Refunded { get; set; }
    }

    private sealed record ModelCheckout(long Id, long Owner, string Sku, int Quantity, long Price);

    private sealed class Model
    {
        public Dictionary<long, long> Balances { get; } = [];

        public List<ModelItem> Items { get; } = [];

        public Dictionary<(long, string), long> Inventory { get; } = [];

        public List<ModelPurchase> Purchases { get; } = [];

        public List<ModelCheckout> Pending { get; } = [];

        /// <summary>A purchase key's terms and first answer (a purchase id, or 0 for a kept insufficient-funds refusal).</summary>
        public Dictionary<string, (long Owner, string Sku, int Quantity, long Price, long Answer)> Keys { get; } = [];

        public long Held(long owner) => Pending.Where(c => c.Owner == owner).Sum(c => c.Price * c.Quantity);

        public long Owned(long owner, string sku) =>
            Purchases.Where(p => p.Owner == owner && p.Sku == sku).Sum(p => (long)(p.Quantity - p.Refunded))
            + Pending.Where(c => c.Owner == owner && c.Sku == sku).Sum(c => (long)c.Quantity);

        /// <summary>What buying <paramref name="quantity"/> of <paramref name="item"/> at <paramref name="price"/> answers: the
        /// refusal's type, or null when it goes through. A purchase checks the limit before the funds (under the lock, before the
        /// balances); a checkout checks the funds first (its hold), then the limit.</summary>
        public Type? Refusal(long owner, ModelItem item, int quantity, long price, bool checkout = false)
        {
            var overLimit = item.Limit is { } limit && Owned(owner, item.Sku) + quantity > limit;
            var shortOfFunds = Balances[owner] - Held(owner) < price * quantity;
            return price != item.Price ? typeof(PriceChangedException)
                : item.Stock < quantity ? typeof(OutOfStockException)
                : overLimit && (!checkout || !shortOfFunds) ? typeof(PurchaseLimitException)
                : shortOfFunds ? typeof(InsufficientFundsException)
                : null;
        }
    }

    private static readonly Gen<(int Op, int Owner, int Item, int Quantity, int Pick)[]> Steps =
        Gen.Select(Gen.Int[0, 9], Gen.Int[0, Owners - 1], Gen.Int[0, 2], Gen.Int[1, 3], Gen.Int[0, 9_999]).Array[40];

    [Fact]
    public Task Purchases_refunds_and_checkouts_answer_as_the_model_says_and_move_exactly_what_it_moves() =>
        Steps.SampleAsync(async steps =>
        {
            var run = Interlocked.Increment(ref _run);
            var model = new Model();
            for (var o = 1; o <= Owners; o++)
            {
                var owner = (run * 10) + o;
                await Ledger.CreditAsync(owner, 600, "seed");
                model.Balances[owner] = 600;
            }

            (string Sku, long Price, long? Stock, int? Limit)[] items =
                [($"r{run}-limited", 50, null, 3), ($"r{run}-rare", 80, 4, null), ($"r{run}-common", 20, 10, null)];
            foreach (var (sku, price, stock, limit) in items)
            {
                await ItemAsync(sku, price, stock, limit);
                model.Items.Add(new ModelItem(sku, limit) { Price = price, Stock = stock });
            }

            for (var i = 0; i < steps.Length; i++)
            {
                var (op, o, it, quantity, pick) = steps[i];
                await StepAsync(model, op, (run * 10) + o + 1, model.Items[it], quantity, pick, $"m{run}-{i}");
                foreach (var (owner, balance) in model.Balances)
                {
                    var wallet = await Ledger.GetWalletAsync(owner);
                    Assert.Equal((balance, model.Held(owner)), (wallet.Balance, wallet.Held));
                    foreach (var item in model.Items)
                    {
                        Assert.Equal(model.Inventory.GetValueOrDefault((owner, item.Sku)), await HeldAsync(owner, item.Sku));
                    }
                }

                foreach (var item in model.Items)
                {
                    Assert.Equal(item.Stock, await StockAsync(item.Sku));
                }
            }

            Assert.True((await Shop.GetRevenueAsync()).Consistent);
            Assert.Equal((0L, 0L), (await Db.DriftedWalletCountAsync(), await Db.HeldDriftCountAsync()));
        }, iter: 4, threads: 1);

    private async Task StepAsync(Model model, int op, long owner, ModelItem item, int quantity, int pick, string key)
    {
        switch (op)
        {
            case <= 2:
                // A purchase, at a stale price one time in five.
                await PurchaseAsync(model, owner, item, quantity, pick % 5 == 0 ? item.Price + 1 : item.Price, key);
                break;
            case 3 when model.Keys.Count > 0:
            {
                var (k, terms) = model.Keys.ElementAt(pick % model.Keys.Count);
                await PurchaseAsync(model, terms.Owner, model.Items.Single(x => x.Sku == terms.Sku), terms.Quantity, terms.Price, k);
                break;
            }

            case 4:
                item.Price = 10 + (pick % 7 * 10);
                await Shop.UpdateItemAsync(Sku.From(item.Sku), Terms(item.Sku, item.Price, item.Stock, item.Limit));
                break;
            case 5 when item.Stock is not null:
                item.Stock += quantity;
                await Shop.UpdateItemAsync(Sku.From(item.Sku), Terms(item.Sku, item.Price, item.Stock, item.Limit));
                break;
            case 6 when model.Purchases.Any(p => p.Refunded < p.Quantity):
            {
                var purchase = model.Purchases.Where(p => p.Refunded < p.Quantity).ElementAt(pick % model.Purchases.Count(
                    p => p.Refunded < p.Quantity));
                var units = pick % 2 == 0 ? purchase.Quantity - purchase.Refunded : 1;
                await RefundAsync(purchase.Id, key, units);
                purchase.Refunded += units;
                model.Balances[purchase.Owner] += purchase.Price * units;
                model.Inventory[(purchase.Owner, purchase.Sku)] -= units;
                var bought = model.Items.Single(x => x.Sku == purchase.Sku);
                bought.Stock += units;
                break;
            }

            case 7:
                await OpenAsync(model, owner, item, quantity, key);
                break;
            case 8 or 9 when model.Pending.Count > 0:
            {
                var checkout = model.Pending[pick % model.Pending.Count];
                model.Pending.Remove(checkout);
                var bought = model.Items.Single(x => x.Sku == checkout.Sku);
                if (op == 8)
                {
                    await Shop.ConfirmCheckoutAsync(checkout.Id, IdempotencyKey.From(key));
                    model.Balances[checkout.Owner] -= checkout.Price * checkout.Quantity;
                    model.Inventory[(checkout.Owner, checkout.Sku)] = model.Inventory.GetValueOrDefault((checkout.Owner, checkout.Sku))
                        + checkout.Quantity;
                    model.Purchases.Add(new ModelPurchase((await Shop.GetCheckoutAsync(checkout.Id)).Purchases[0].PurchaseId,
                        checkout.Owner, checkout.Sku, checkout.Quantity, checkout.Price));
                }
                else
                {
                    await Shop.CancelCheckoutAsync(checkout.Id, IdempotencyKey.From(key));
                    bought.Stock += checkout.Quantity;
                }

                break;
            }
        }
    }

    private async Task PurchaseAsync(Model model, long owner, ModelItem item, int quantity, long price, string key)
    {
        if (model.Keys.TryGetValue(key, out var first))
        {
            if (first.Answer == 0)
            {
                Assert.True((await Assert.ThrowsAsync<InsufficientFundsException>(() => BuyAsync(owner, item.Sku, quantity, price, key)))
                    .Replayed);
            }
            else
            {
                var replay = await BuyAsync(owner, item.Sku, quantity, price, key);
                Assert.Equal((first.Answer, true), (replay.PurchaseId, replay.Replayed));
            }

            return;
        }

        var refusal = model.Refusal(owner, item, quantity, price);
        if (refusal is not null)
        {
            var thrown = await Assert.ThrowsAnyAsync<LedgerException>(() => BuyAsync(owner, item.Sku, quantity, price, key));
            Assert.Equal(refusal, thrown.GetType());
            if (refusal == typeof(InsufficientFundsException))
            {
                model.Keys[key] = (owner, item.Sku, quantity, price, 0);
            }

            return;
        }

        var bought = await BuyAsync(owner, item.Sku, quantity, price, key);
        model.Keys[key] = (owner, item.Sku, quantity, price, bought.PurchaseId);
        model.Purchases.Add(new ModelPurchase(bought.PurchaseId, owner, item.Sku, quantity, price));
        model.Balances[owner] -= price * quantity;
        model.Inventory[(owner, item.Sku)] = model.Inventory.GetValueOrDefault((owner, item.Sku)) + quantity;
        item.Stock -= quantity;
    }

    private async Task OpenAsync(Model model, long owner, ModelItem item, int quantity, string key)
    {
        var open = () => Shop.CheckoutAsync(CheckoutCommand.Create(OwnerId.From(owner),
            [new CheckoutLine(Sku.From(item.Sku), quantity, Coins.From(item.Price))], null, IdempotencyKey.From(key)));
        if (model.Refusal(owner, item, quantity, item.Price, checkout: true) is { } refusal)
        {
            Assert.Equal(refusal, (await Assert.ThrowsAnyAsync<LedgerException>(open)).GetType());
            return;
        }

        var checkout = await open();
        model.Pending.Add(new ModelCheckout(checkout.CheckoutId, owner, item.Sku, quantity, item.Price));
        item.Stock -= quantity;
    }
}

[Collection(SqliteCollection.Name)]
public sealed class ShopModelPropertySqliteTests(SqliteDatabaseFixture database) : ShopModelPropertyTests(database);

[Collection(PostgresCollection.Name)]
public sealed class ShopModelPropertyPostgresTests(PostgresDatabaseFixture database) : ShopModelPropertyTests(database);
