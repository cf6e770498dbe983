using FuncLedger.Core.Domain;
using FuncLedger.Core.Tests.Infrastructure;
using FuncLedger.TestSupport;

namespace FuncLedger.Core.Tests.Ledger;

/// <summary>Freeze, unfreeze and overdraft: what a frozen wallet refuses and takes, and the record of every change.</summary>
public abstract class WalletAdministrationTests(ILedgerDatabase database) : LedgerTestBase(database)
{
    [Fact]
    public async Task A_frozen_wallet_refuses_money_out_takes_money_in_and_every_change_is_recorded_once()
    {
        await Ledger.CreditAsync(1, 100, "seed");
        await Ledger.CreditAsync(2, 100, "seed");

        var frozen = await Db.Admin.SetFrozenAsync(OwnerId.From(1), true, "key:0a1b2c3d");
        var repeated = await Db.Admin.SetFrozenAsync(OwnerId.From(1), true, "key:0a1b2c3d");

        Assert.Equal((true, true, false), (frozen.Frozen, frozen.Changed, repeated.Changed));
        await Assert.ThrowsAsync<WalletFrozenException>(() => Ledger.DebitAsync(1, 1, "x"));
        await Assert.ThrowsAsync<WalletFrozenException>(() => Ledger.TransferAsync(1, 2, 1, "x"));
        await Assert.ThrowsAsync<WalletFrozenException>(() => Ledger.PostAsync([(1, -1), (2, 1)], "x"));
        await Ledger.CreditAsync(1, 5, "refund");
        await Ledger.TransferAsync(2, 1, 5, "gift");
        await Ledger.AwardParticipationAsync(77, 1, 5);
        Assert.Equal(115, await Ledger.GetBalanceAsync(1));
        Assert.True((await Ledger.GetWalletAsync(1)).Frozen);

        await Db.Admin.SetFrozenAsync(OwnerId.From(1), false, "cli:ops");
        Assert.Equal(114, (await Ledger.DebitAsync(1, 1, "x")).BalanceAfter);
        var changes = await Db.Admin.ChangesAsync(OwnerId.From(1), 10);
        Assert.Equal([(WalletChanges.Unfreeze, "cli:ops"), (WalletChanges.Freeze, "key:0a1b2c3d")], changes.Select(c => (c.Change, c.Actor)));
        Assert.Empty(await Db.Admin.ChangesAsync(OwnerId.From(2), 10));
        await Assert.ThrowsAsync<LedgerValidationException>(() => Db.Admin.SetFrozenAsync(OwnerId.From(1), true, ""));
    }

    [Fact]
    public async Task Overdraft_can_be_withdrawn_at_any_balance_and_then_only_credits_apply_until_the_balance_covers_a_debit()
    {
        var on = await Db.Admin.SetOverdraftAsync(OwnerId.From(9), true, "cli:ops");
        Assert.Equal(-50, (await Ledger.DebitAsync(9, 50, "house float")).BalanceAfter);

        // Withdrawn below zero: the change succeeds, is recorded with the operator's reason, and the balance stays where it was.
        var off = await Db.Admin.SetOverdraftAsync(OwnerId.From(9), false, "cli:ops", "float abused");
        Assert.Equal((true, true, false, true), (on.AllowOverdraft, on.Changed, off.AllowOverdraft, off.Changed));
        Assert.Equal("float abused", (await Db.Admin.ChangesAsync(OwnerId.From(9), 1))[0].Reason);
        var snapshot = await Db.SnapshotAsync();
        await Assert.ThrowsAsync<InsufficientFundsException>(() => Ledger.DebitAsync(9, 1, "x"));
        await Assert.ThrowsAsync<InsufficientFundsException>(() => Ledger.TransferAsync(9, 10, 1, "x"));
        Assert.Equal(snapshot, await Db.SnapshotAsync());
        await Assert.ThrowsAsync<InsufficientFundsException>(() => Ledger.HoldAsync(9, 1, "x", "hold-1"));
        Assert.Equal(-50, await Ledger.GetBalanceAsync(9));

        // Credits apply; a debit is refused until the balance covers it, then goes through.
        Assert.Equal(-20, (await Ledger.CreditAsync(9, 30, "repay")).BalanceAfter);
        await Assert.ThrowsAsync<InsufficientFundsException>(() => Ledger.DebitAsync(9, 1, "x"));
        await Ledger.CreditAsync(9, 25, "repay");
        await Assert.ThrowsAsync<InsufficientFundsException>(() => Ledger.DebitAsync(9, 6, "x"));
        Assert.Equal(0, (await Ledger.DebitAsync(9, 5, "x")).BalanceAfter);
        Assert.Equal(2, (await Db.Admin.ChangesAsync(null, 10)).Count);
        Assert.Equal(0, await Db.DriftedWalletCountAsync());
    }

    [Fact]
    public async Task The_database_refuses_a_balance_below_the_floor_of_a_wallet_without_overdraft()
    {
        await Db.Admin.SetOverdraftAsync(OwnerId.From(9), true, "cli:ops");
        await Ledger.DebitAsync(9, 50, "float");
        await Db.Admin.SetOverdraftAsync(OwnerId.From(9), false, "cli:ops");

        // What a write that skipped the rule would do: the check constraint stops it below the balance at withdrawal.
        await Assert.ThrowsAnyAsync<Exception>(() => Db.ExecuteAsync("UPDATE wallets SET cached_balance = -51 WHERE owner_id = 9"));
        await Db.ExecuteAsync("UPDATE wallets SET cached_balance = -50 WHERE owner_id = 9");
    }
}

[Collection(SqliteCollection.Name)]
public sealed class WalletAdministrationSqliteTests(SqliteDatabaseFixture database) : WalletAdministrationTests(database);

[Collection(PostgresCollection.Name)]
public sealed class WalletAdministrationPostgresTests(PostgresDatabaseFixture database) : WalletAdministrationTests(database);

[SqlServerLane, Collection(SqlServerCollection.Name)]
public sealed class WalletAdministrationSqlServerTests(SqlServerDatabaseFixture database) : WalletAdministrationTests(database);
