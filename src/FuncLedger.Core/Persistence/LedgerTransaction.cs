using System.Data;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;

namespace FuncLedger.Core.Persistence;

/// <summary>The transaction of an operation that runs both the provider's commands and EF reads and writes (holds, wallet
/// administration, the expiry release): read committed, on the context's connection, with EF enlisted in it.</summary>
internal static class LedgerTransaction
{
    public static async Task<(DbConnection Connection, DbTransaction Transaction)> BeginAsync(LedgerDbContext db, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        var connection = db.Database.GetDbConnection();
        var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);
        await db.Database.UseTransactionAsync(transaction, ct);
        return (connection, transaction);
    }
}
