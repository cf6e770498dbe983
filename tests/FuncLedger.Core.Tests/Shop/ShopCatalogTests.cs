using FuncLedger.Core.Commerce;
using FuncLedger.Core.Domain;
using FuncLedger.Core.Tests.Infrastructure;
using FuncLedger.TestSupport;

namespace FuncLedger.Core.Tests.Shop;

/// <summary>The catalog: create (again answers it), replace, deactivate, the window, and the players' paged list.</summary>
public abstract class ShopCatalogTests(ILedgerDatabase database) : ShopTestBase(database)
{
    [Fact]
    public async Task Creating_an_item_again_with_the_same_terms_answers_it_and_other_terms_are_refused()
    {
        var created = await ItemAsync("golden-frame", 150, stock: 10, limit: 2, title: "Golden frame");

        var again = await ItemAsync("golden-frame", 150, stock: 10, limit: 2, title: "Golden frame");

        Assert.Equal(("golden-frame", "Golden frame", 150L, (long?)10, (int?)2, true, true, false),
            (created.Sku, created.Title, created.Price, created.Stock, created.PerPlayerLimit, created.Active, created.Available,
                created.Replayed));
        Assert.True(again.Replayed);
        await Assert.ThrowsAsync<SkuExistsException>(() => ItemAsync("golden-frame", 151, stock: 10, limit: 2, title: "Golden frame"));
        Assert.Equal(150, (await Shop.GetItemAsync(Sku.From("golden-frame"))).Price);
    }

    [Fact]
    public async Task An_update_replaces_the_terms_and_a_deactivated_item_is_off_sale_but_still_readable()
    {
        await ItemAsync("badge", 20);

        var updated = await Shop.UpdateItemAsync(Sku.From("badge"), Terms("Shiny badge", 25, stock: 3));
        var deactivated = await Shop.DeactivateItemAsync(Sku.From("badge"));

        Assert.Equal(("Shiny badge", 25L, (long?)3), (updated.Title, updated.Price, updated.Stock));
        var read = await Shop.GetItemAsync(Sku.From("badge"));
        Assert.Equal(("Shiny badge", 25L, (long?)3, false), (read.Title, read.Price, read.Stock, read.Active));
        Assert.Equal((false, false), (deactivated.Active, deactivated.Available));
        Assert.False((await Shop.DeactivateItemAsync(Sku.From("badge"))).Active);
        Assert.Empty((await Shop.ListItemsAsync(new ShopPage())).Items);
        Assert.Single((await Shop.ListItemsAsync(new ShopPage(), all: true)).Items);
        await Assert.ThrowsAsync<ItemNotFoundException>(() => Shop.UpdateItemAsync(Sku.From("nope"), Terms("x", 1)));
        await Assert.ThrowsAsync<ItemNotFoundException>(() => Shop.DeactivateItemAsync(Sku.From("nope")));
        await Assert.ThrowsAsync<ItemNotFoundException>(() => Shop.GetItemAsync(Sku.From("nope")));
    }

    [Fact]
    public async Task Players_see_only_items_on_sale_now_in_sku_order_page_by_page()
    {
        var now = Db.Time.GetUtcNow();
        await ItemAsync("c-item", 5);
        await ItemAsync("a-item", 5);
        await ItemAsync("b-item", 5);
        await ItemAsync("later", 5, startsAt: now.AddHours(1));
        await ItemAsync("ended", 5, startsAt: now.AddHours(-2), endsAt: now.AddMinutes(-1));
        await ItemAsync("sold-out", 5, stock: 0);

        var first = await Shop.ListItemsAsync(ShopPage.Create(2, null));
        var second = await Shop.ListItemsAsync(ShopPage.Create(2, first.Next));

        Assert.Equal(["a-item", "b-item"], first.Items.Select(i => i.Sku));
        Assert.Equal(["c-item", "sold-out"], second.Items.Select(i => i.Sku));
        Assert.Null(second.Next);
        Assert.False(second.Items[1].Available);
        Assert.Equal(6, (await Shop.ListItemsAsync(ShopPage.Create(200, null), all: true)).Items.Count);
        var bad = await Assert.ThrowsAsync<LedgerValidationException>(() => Shop.ListItemsAsync(ShopPage.Create(2, "!!")));
        Assert.Equal("cursor", bad.Errors[0].Field);
    }

    [Theory]
    [InlineData("", "sku")]
    [InlineData("Upper", "sku")]
    [InlineData("has space", "sku")]
    public void A_sku_outside_its_alphabet_is_refused(string sku, string field)
    {
        var refused = Assert.Throws<LedgerValidationException>(() => Sku.From(sku));

        Assert.Equal(field, refused.Errors[0].Field);
        Assert.Equal("ok-sku_1.2", Sku.From("ok-sku_1.2").ToString());
        Assert.Throws<LedgerValidationException>(() => Sku.From(new string('a', ShopLimits.SkuLengthMax + 1)));
    }

    [Fact]
    public void Terms_outside_their_bounds_name_every_bad_field()
    {
        var now = DateTimeOffset.UtcNow;

        var refused = Assert.Throws<LedgerValidationException>(() =>
            ItemTerms.Create(" ", Coins.From(1), -1, 0, now, now.AddSeconds(-1), null));

        Assert.Equal(["title", "stock", "perPlayerLimit", "endsAt"], refused.Errors.Select(e => e.Field));
        Assert.Throws<LedgerValidationException>(() => ShopPage.Create(0, null));
        Assert.Throws<LedgerValidationException>(() => ShopPage.Create(ShopLimits.PageLimitMax + 1, null));
        Assert.Equal(new ShopPage(ShopLimits.PageLimitDefault, null), ShopPage.Create(null, ""));
    }
}

[Collection(SqliteCollection.Name)]
public sealed class ShopCatalogSqliteTests(SqliteDatabaseFixture database) : ShopCatalogTests(database);

[Collection(PostgresCollection.Name)]
public sealed class ShopCatalogPostgresTests(PostgresDatabaseFixture database) : ShopCatalogTests(database);

[SqlServerLane, Collection(SqlServerCollection.Name)]
public sealed class ShopCatalogSqlServerTests(SqlServerDatabaseFixture database) : ShopCatalogTests(database);
