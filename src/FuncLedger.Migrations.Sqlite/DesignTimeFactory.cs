using FuncLedger.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace FuncLedger.Migrations.Sqlite;

/// <summary>Lets <c>dotnet ef migrations add</c> build the SQLite model (no database is opened).</summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<LedgerDbContext>
{
    public LedgerDbContext CreateDbContext(string[] args) =>
        new((DbContextOptions<LedgerDbContext>)LedgerDatabase.Configure(
            new DbContextOptionsBuilder<LedgerDbContext>(), LedgerProvider.Sqlite, "Data Source=design-time.db").Options);
}
