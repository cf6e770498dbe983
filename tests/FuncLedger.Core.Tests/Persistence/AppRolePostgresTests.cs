using FuncLedger.Core.Domain;
using FuncLedger.Core.Maintenance;
using FuncLedger.Core.Payouts;
using FuncLedger.Core.Persistence;
using FuncLedger.Core.Reconciliation;
using FuncLedger.Core.Tests.Infrastructure;
using FuncLedger.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace FuncLedger.Core.Tests.Persistence;

/// <summary>
/// Least privilege on PostgreSQL: the app signs in as a member of <c>funcledger_app</c> (the role the migrations create and
/// grant), never as the owner that migrates. Every operation of the ledger works under it, and what the ledger never does
/// (edit or delete an entry, change a wallet's owner, delete anything) is a permission error, before any trigger.
/// </summary>
public sealed class AppRolePostgresTests : IAsyncLifetime
{
    private readonly PostgresTestDatabase _database = new();
    private readonly string _login = "fl_app_" + Guid.NewGuid().ToString("N")[..10];
    private string _owner = "";
    private string _app = "";

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _owner = await _database.CreateAsync();
        await TestServers.PostgresAdminAsync($"CREATE ROLE {_login} LOGIN PASSWORD 'app-password-0123' IN ROLE funcledger_app");
        _app = new NpgsqlConnectionStringBuilder(_owner) { Username = _login, Password = "app-password-0123" }.ToString();
    }

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        await TestServers.PostgresAdminAsync($"DROP ROLE IF EXISTS {_login}");
    }

    private async Task<PostgresException> RefusedAsync(string sql) =>
        await Assert.ThrowsAsync<PostgresException>(() => Sql.ExecuteAsync(LedgerProvider.Postgres, _app, sql));

    [Fact]
    public async Task The_app_role_may_not_update_or_delete_an_entry_or_delete_anything_and_is_told_so_by_a_permission_error()
    {
        await Sql.ExecuteAsync(LedgerProvider.Postgres, _owner, """
            INSERT INTO wallets (owner_id, cached_balance, allow_overdraft, frozen, held, created_at, updated_at)
                VALUES (1, 5, FALSE, FALSE, 0, now(), now());
            INSERT INTO ledger_entries (wallet_id, amount, balance_after, reason, created_at) VALUES (1, 5, 5, 'seed', now());
            """);

        foreach (var sql in new[]
        {
            "UPDATE ledger_entries SET amount = 6", "DELETE FROM ledger_entries", "UPDATE wallets SET owner_id = 2",
            "DELETE FROM wallets", "DELETE FROM ledger_holds", "UPDATE ledger_settings SET value = 'x'", "TRUNCATE ledger_entries",
            "CREATE TABLE intruder (id int)", "UPDATE ledger_holds SET amount = 1", "DELETE FROM \"__EFMigrationsHistory\"",
        })
        {
            var refused = await RefusedAsync(sql);
            Assert.True(refused.SqlState == PostgresErrorCodes.InsufficientPrivilege, $"{sql}: {refused.SqlState} {refused.MessageText}");
        }

        Assert.Equal(5, await Sql.ScalarAsync(LedgerProvider.Postgres, _app, "SELECT amount FROM ledger_entries"));
    }

    [Fact]
    public async Task Every_operation_of_the_ledger_runs_under_the_app_role()
    {
        var services = new ServiceCollection().AddLogging().AddLedgerCore(LedgerProvider.Postgres, _app).BuildServiceProvider();
        await using var _ = services;
        var ledger = services.GetRequiredService<Core.Operations.ILedger>();
        var admin = services.GetRequiredService<Core.Operations.IWalletAdministration>();

        await ledger.CreditAsync(1, 500, "seed", "app-credit");
        await ledger.CreditAsync(1, 500, "seed", "app-credit");
        await ledger.DebitAsync(1, 20, "shop");
        await Assert.ThrowsAsync<InsufficientFundsException>(() => ledger.DebitAsync(1, 5_000, "too much", "app-refused"));
        var transfer = await ledger.TransferAsync(1, 2, 30, "gift", "app-transfer");
        await ledger.PostAsync([(1, -10), (2, 6), (3, 4)], "pool", "app-posting");
        var hold = await ledger.HoldAsync(1, 40, "checkout", "app-hold");
        await ledger.CaptureAsync(hold.HoldId, 25, toOwnerId: 3, idempotencyKey: "app-capture");
        var other = await ledger.HoldAsync(1, 10, "checkout", "app-hold-2");
        await ledger.VoidAsync(other.HoldId, "app-void");
        await ledger.ReverseAsync(transfer.DebitTransactionId, "mistake", "app-reversal");
        var pool = await ledger.PostAsync([(1, -6), (5, 6)], "pool", "app-posting-3");
        await ledger.ReversePostingAsync(pool.PostingId, "cancelled", "app-posting-reversal");
        await ledger.AdjustAsync(7, 15, "goodwill", "app-adjustment");
        await admin.SetOverdraftAsync(OwnerId.From(7), true, "cli:test");
        await ledger.DebitAsync(7, 25, "float");
        await admin.SetOverdraftAsync(OwnerId.From(7), false, "cli:test", "withdrawn below zero");
        await ledger.AwardAsync([new Award(9, null, OwnerId.From(4), Coins.From(50)), new Award(9, 1, OwnerId.From(4), Coins.From(70))]);
        await admin.SetOverdraftAsync(OwnerId.From(2), true, "cli:test");
        await admin.SetFrozenAsync(OwnerId.From(2), true, "cli:test");
        await admin.SetFrozenAsync(OwnerId.From(2), false, "cli:test");
        await services.GetRequiredService<IPayoutRejections>().RecordAsync(new PayoutRejection
        {
            MessageId = "m-1", ReasonCode = "validation", Detail = "bad", DequeueCount = 1,
        });
        var epochs = services.GetRequiredService<IHistoryLinkEpochs>();
        Assert.Equal(1, await epochs.RevokeAsync(OwnerId.From(1), "cli:test"));
        Assert.Equal(2, await epochs.RevokeAsync(OwnerId.From(1), "cli:test"));
        await ledger.GetHistoryPageAsync(OwnerId.From(1), new HistoryQuery(10));
        Assert.Empty((await services.GetRequiredService<ILedgerMaintenance>().StatusAsync()).PendingMigrations);
        Assert.Equal(0, await ledger.ReleaseExpiredHoldsAsync());
        // The shop: a purchase in one statement (shop_purchase: stock, purchase row, inventory line) and a refund.
        var shop = services.GetRequiredService<Core.Commerce.IShop>();
        await shop.CreateItemAsync(Core.Commerce.Sku.From("app-gem"),
            Core.Commerce.ItemTerms.Create("Gem", Coins.From(5), 10, 3, null, null, null));
        await ledger.CreditAsync(6, 100, "seed", "app-shop-seed");
        var bought = await shop.PurchaseAsync(Core.Commerce.PurchaseCommand.Create(OwnerId.From(6), Core.Commerce.Sku.From("app-gem"), 2,
            Coins.From(5), IdempotencyKey.From("app-purchase")));
        await shop.RefundAsync(Core.Commerce.RefundCommand.Create(bought.PurchaseId, "support", 1, false,
            IdempotencyKey.From("app-refund"), "cli:test"));
        Assert.Equal((95L, (long?)9), (await ledger.GetBalanceAsync(6), (await shop.GetItemAsync(Core.Commerce.Sku.From("app-gem"))).Stock));
        // A game uses the unit left: the inventory line and the use's row, read back by the drift check.
        await shop.ConsumeAsync(Core.Commerce.ConsumeCommand.Create(OwnerId.From(6), Core.Commerce.Sku.From("app-gem"), 1,
            IdempotencyKey.From("app-consume")));
        Assert.True((await shop.GetRevenueAsync()).Consistent);
        // Promo codes: a campaign with coins and an item, redeemed and revoked with its slot given back (the counter moves), and an
        // items-only one (no entry), redeemed and revoked; the budget reads every line.
        var promos = services.GetRequiredService<Core.Commerce.IPromos>();
        Core.Commerce.PromoItem[] gem = [new(Core.Commerce.Sku.From("app-gem"), 1)];
        await promos.CreateCampaignAsync(Core.Commerce.CampaignTerms.Create("App", 40, gem, null, null, 10, null, "APPCODE"));
        await promos.CreateCampaignAsync(Core.Commerce.CampaignTerms.Create("Items", null, gem, null, null, null, null, "APPITEMS"));
        foreach (var (code, key) in new[] { ("APPCODE", "app-promo"), ("APPITEMS", "app-promo-items") })
        {
            var redeemed = await promos.RedeemAsync(new Core.Commerce.RedeemCommand(OwnerId.From(6), code, IdempotencyKey.From(key)));
            await promos.RevokeAsync(Core.Commerce.RevokeCommand.Create(redeemed.RedemptionId, "abuse", true,
                IdempotencyKey.From(key + "-revoke"), "cli:test"));
        }

        Assert.True((await promos.GetBudgetAsync()).Consistent);
        Assert.True((await shop.GetRevenueAsync()).Consistent);
        Assert.Equal(95, await ledger.GetBalanceAsync(6));

        // A drift the owner plants; the app's reconciliation finds and fixes it.
        await Sql.ExecuteAsync(LedgerProvider.Postgres, _owner, "UPDATE wallets SET cached_balance = cached_balance + 1 WHERE owner_id = 3");
        var report = await services.GetRequiredService<IReconciler>().RunAsync(new ReconcileRequest(Fix: true, ReconciliationTriggers.Cli));

        Assert.Equal((1, 1), (report.DriftCount, report.CorrectionsApplied));
        Assert.Equal(500 - 20 - 30 - 10 - 25 + 30, await ledger.GetBalanceAsync(1));
        Assert.Equal(-10, await ledger.GetBalanceAsync(7));
        Assert.Equal(await Sql.ScalarAsync(LedgerProvider.Postgres, _owner, "SELECT SUM(amount) FROM ledger_entries"),
            await Sql.ScalarAsync(LedgerProvider.Postgres, _owner, "SELECT SUM(cached_balance) FROM wallets"));
    }

    [Fact]
    public async Task Every_function_of_the_ledger_runs_with_a_pinned_search_path()
    {
        var unpinned = await Sql.ScalarAsync(LedgerProvider.Postgres, _owner, """
            SELECT COUNT(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname = 'public' AND p.prolang = (SELECT oid FROM pg_language WHERE lanname = 'plpgsql')
              AND NOT ('search_path=public, pg_temp' = ANY (COALESCE(p.proconfig, '{}')))
            """);
        var functions = await Sql.ScalarAsync(LedgerProvider.Postgres, _owner, """
            SELECT COUNT(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname = 'public' AND p.prolang = (SELECT oid FROM pg_language WHERE lanname = 'plpgsql')
            """);

        Assert.Equal(6, functions); // ledger_post, ledger_capture, ledger_hold, ledger_void, ledger_entries_immutable, shop_purchase
        Assert.Equal(0, unpinned);
    }
}
