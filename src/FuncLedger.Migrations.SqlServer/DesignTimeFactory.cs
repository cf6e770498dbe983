using FuncLedger.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace FuncLedger.Migrations.SqlServer;

/// <summary>Lets <c>dotnet ef migrations add</c> build the SQL Server model (no database is opened).</summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<LedgerDbContext>
{
    public LedgerDbContext CreateDbContext(string[] args) =>
        new((DbContextOptions<LedgerDbContext>)LedgerDatabase.Configure(
            new DbContextOptionsBuilder<LedgerDbContext>(), LedgerProvider.SqlServer,
            "Server=localhost;Database=funcledger_design;Integrated Security=true;TrustServerCertificate=true").Options);
}
