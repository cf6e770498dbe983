using System.Data.Common;

namespace FuncLedger.Core.Persistence.Commands;

/// <summary>The ids of the applied migrations, read from EF Core's history table (the provider quotes its name);
/// empty when the table does not exist yet.</summary>
internal sealed class AppliedMigrationsCommand(string text, DatabaseErrors errors)
{
    internal string Text { get; } = text;

    public async Task<HashSet<string>> ExecuteAsync(DbConnection connection, CancellationToken ct)
    {
        var applied = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            await using var command = Sql.Create(connection, null, Text);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                applied.Add(reader.GetString(0));
            }
        }
        catch (DbException e) when (errors.IsUndefinedTable(e))
        {
            // No history table: nothing is applied yet.
        }

        return applied;
    }
}
