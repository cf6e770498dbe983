using FuncLedger.Core.Persistence.Commands;

namespace FuncLedger.Core.Persistence.Postgres;

/// <summary>
/// The row write on PostgreSQL, where the COMMIT travels in the same round trip as the write: each guarded balance update
/// fails on the server when the wallet no longer holds the balance read under its lock, so the transaction aborts and
/// the COMMIT behind it rolls back, instead of committing the entries and finding the mismatch afterwards.
/// </summary>
internal sealed class PostgresRowWriteCommand() : RowWriteCommand(Sql.PostgresParametersMax)
{
    /// <summary>
    /// The guard as the new balance itself: <c>@b + 0 * (1 / (cached_balance = @e)::int)</c> is the new balance when the row
    /// still holds the expected one and raises division_by_zero (22012) when it does not. The divisor comes from the row at
    /// run time (a constant 1/0 would fail when the statement is planned), and the statement stays one plain UPDATE.
    /// </summary>
    internal static string GuardedBalance(string newBalance, string current, string expected) =>
        $"{newBalance} + 0 * (1 / ({current} = {expected})::int)";

    protected override string UpdateBalance(string i) =>
        $"UPDATE wallets SET cached_balance = {GuardedBalance($"@b{i}", "cached_balance", $"@e{i}")}, updated_at = @now WHERE id = @w{i} "
        + "RETURNING id;";
}
