using FuncLedger.Core.Persistence;
using FuncLedger.TestSupport;

namespace FuncLedger.Cli.Tests;

/// <summary>No trap: started inside the repository with no database named, the CLI opens the SQLite file <c>./build.sh run</c>
/// serves (<c>.data/funcledger.db</c>) from any folder below the root, and every command says which file it opened.</summary>
public sealed class RepositoryDatabaseTests : IAsyncLifetime
{
    private readonly string _repository = Path.Combine(Path.GetTempPath(), "funcledger-repo-" + Guid.NewGuid().ToString("N")[..8]);

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.Combine(_repository, "src", "deep"));
        Directory.CreateDirectory(Path.Combine(_repository, ".data"));
        await File.WriteAllTextAsync(Path.Combine(_repository, "FuncLedger.sln"), "");
        await TestSupport.Migrations.ApplyAsync(LedgerProvider.Sqlite, $"Data Source={Path.Combine(_repository, ".data", "funcledger.db")}");
    }

    public Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_repository, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Inside_the_repository_with_no_database_named_the_cli_opens_the_one_build_run_serves_and_says_so()
    {
        var run = await CliProcess.RunAsync("dotnet", Path.Combine(_repository, "src", "deep"),
            [Path.Combine(AppContext.BaseDirectory, "funcledger.dll"), "status", "--json"]);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains($"SQLite database {Path.Combine(_repository, ".data", "funcledger.db")}", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("\"pendingMigrations\":[]", run.Stdout, StringComparison.Ordinal);
        Assert.Null(CliSettings.RepositoryDatabase(Path.GetTempPath()));
    }
}
