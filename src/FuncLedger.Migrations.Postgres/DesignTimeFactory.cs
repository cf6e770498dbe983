using FuncLedger.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace FuncLedger.Migrations.Postgres;

/// <summary>Lets <c>dotnet ef migrations add</c> build the PostgreSQL model (no database is opened).</summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<LedgerDbContext>
{
    public LedgerDbContext CreateDbContext(string[] args) =>
        new((DbContextOptions<LedgerDbContext>)LedgerDatabase.Configure(
            new DbContextOptionsBuilder<LedgerDbContext>(), LedgerProvider.Postgres, "Host=localhost;Database=funcledger_design").Options);
}
