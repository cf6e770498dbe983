using FuncLedger.Core.Persistence.Commands;

namespace FuncLedger.Core.Persistence.SqlServer;

/// <summary>Wallet ids are resolved into a table variable first, then locked with <c>UPDLOCK, ROWLOCK</c> through a loop
/// join in ascending id order.</summary>
internal sealed class SqlServerLookupAndLockCommand() : RowLookupAndLockCommand("")
{
    protected override string LockWallets(string ownerList, string guard) =>
        "DECLARE @lock_ids TABLE (id bigint PRIMARY KEY);\n"
        + $"INSERT INTO @lock_ids (id) SELECT id FROM wallets WHERE owner_id IN ({ownerList}){guard};\n"
        + $"SELECT {Sql.WalletColumnsOf("w.")} FROM @lock_ids i "
        + "INNER LOOP JOIN wallets w WITH (UPDLOCK, ROWLOCK) ON w.id = i.id ORDER BY i.id OPTION (FORCE ORDER);";
}

/// <summary>The wallet's row comes back through OUTPUT; the key range is locked so two first credits insert one wallet.</summary>
internal sealed class SqlServerCreateWalletCommand : CreateWalletCommand
{
    private static readonly string InsertText =
        "INSERT INTO wallets (owner_id, cached_balance, allow_overdraft, created_at, updated_at) "
        + $"OUTPUT {Sql.WalletColumnsOf("INSERTED.")} "
        + "SELECT @owner, 0, 0, @now, @now WHERE NOT EXISTS (SELECT 1 FROM wallets WITH (UPDLOCK, HOLDLOCK) WHERE owner_id = @owner);";

    internal override string Text => InsertText;
}

/// <summary>ledger_entries carries the immutability trigger, and SQL Server refuses OUTPUT without INTO on a table with
/// triggers, so an entry's id comes back through SCOPE_IDENTITY(); the balance update uses OUTPUT.</summary>
internal sealed class SqlServerRowWriteCommand() : RowWriteCommand(Sql.SqlServerParametersMax)
{
    protected override string UpdateBalance(string i) =>
        $"UPDATE wallets SET cached_balance = @b{i}, updated_at = @now OUTPUT INSERTED.id WHERE id = @w{i} AND cached_balance = @e{i};";

    protected override string InsertEntry(string j) =>
        $"{Sql.InsertEntryColumns} VALUES {EntryValues(j)}; SELECT CAST(SCOPE_IDENTITY() AS bigint) AS id;";
}

/// <summary>The fix chunk's wallets go through a table variable and a forced-order loop join, as the write path locks them.</summary>
internal sealed class SqlServerLockSumSetCommand() : LockSumSetCommand("")
{
    protected override string LockWallets(string idList) =>
        "DECLARE @fix_ids TABLE (id bigint PRIMARY KEY);\n"
        + $"INSERT INTO @fix_ids (id) SELECT id FROM wallets WHERE id IN ({idList});\n"
        + "SELECT w.id, w.cached_balance, w.held FROM @fix_ids i "
        + "INNER LOOP JOIN wallets w WITH (UPDLOCK, ROWLOCK) ON w.id = i.id ORDER BY i.id OPTION (FORCE ORDER);";
}
