using FuncLedger.Core.Persistence.Commands;

namespace FuncLedger.Core.Persistence.SqlServer;

/// <summary>Wallet ids are resolved into a table variable first, then locked with <c>UPDLOCK, ROWLOCK</c> through a loop
/// join in ascending id order.</summary>
internal sealed class SqlServerLookupAndLockCommand() : RowLookupAndLockCommand("", looksAgainUnderLock: true)
{
    protected override string LockWallets(string ownerList, string guard) =>
        "DECLARE @lock_ids TABLE (id bigint PRIMARY KEY);\n"
        + $"INSERT INTO @lock_ids (id) SELECT id FROM wallets WHERE owner_id IN ({ownerList}){guard};\n"
        + $"SELECT {Sql.WalletColumnsOf("w.")} FROM @lock_ids i "
        + "INNER LOOP JOIN wallets w WITH (UPDLOCK, ROWLOCK) ON w.id = i.id ORDER BY i.id OPTION (FORCE ORDER);";
}

/// <summary>
/// The wallet's row comes back through OUTPUT. No key-range lock: a range lock at the end of the owner index (UPDLOCK,
/// HOLDLOCK on a missing owner) held to commit serialized every first credit behind every other, and two batches creating
/// wallets could deadlock. The insert is plain; a concurrent first credit of the same owner makes it wait on that owner's
/// index key alone and then fail with a duplicate (2601, caught here: no rows), and the caller locks the existing wallet.
/// Writers create wallets in ascending owner order, so two creating several never wait on each other in a cycle.
/// </summary>
internal sealed class SqlServerCreateWalletCommand : CreateWalletCommand
{
    private static readonly string InsertText =
        "BEGIN TRY\n"
        + "INSERT INTO wallets (owner_id, cached_balance, allow_overdraft, created_at, updated_at) "
        + $"OUTPUT {Sql.WalletColumnsOf("INSERTED.")} VALUES (@owner, 0, 0, @now, @now);\n"
        + "END TRY\nBEGIN CATCH\nIF ERROR_NUMBER() NOT IN (2601, 2627) THROW;\nEND CATCH;";

    internal override string Text => InsertText;
}

/// <summary>ledger_entries carries the immutability trigger, and SQL Server refuses OUTPUT without INTO on a table with
/// triggers, so an entry's id comes back through SCOPE_IDENTITY(); the balance update uses OUTPUT.</summary>
internal sealed class SqlServerRowWriteCommand() : RowWriteCommand(Sql.SqlServerParametersMax)
{
    protected override string RegisterClientKey =>
        "INSERT INTO client_keys (idempotency_key, operation, request_fingerprint, created_at) OUTPUT INSERTED.operation "
        + "VALUES (@ck, @co, @cf, @now);";

    protected override string InsertPosting =>
        "INSERT INTO postings (key_stem, legs, created_at) OUTPUT INSERTED.id VALUES (@ps, @pl, @now);";

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
