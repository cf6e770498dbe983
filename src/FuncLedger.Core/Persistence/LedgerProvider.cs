namespace FuncLedger.Core.Persistence;

/// <summary>The database engines FuncLedger runs on; chosen by <c>Ledger:Provider</c>.</summary>
public enum LedgerProvider
{
    Sqlite,
    Postgres,
    SqlServer,
}

public static class LedgerProviders
{
    /// <summary>Parses <c>sqlite | postgres | sqlserver</c> (case-insensitive; <c>postgresql</c> and <c>npgsql</c> are accepted
    /// too).</summary>
    public static LedgerProvider Parse(string? value) => value?.Trim().ToUpperInvariant() switch
    {
        null or "" or "SQLITE" => LedgerProvider.Sqlite,
        "POSTGRES" or "POSTGRESQL" or "NPGSQL" => LedgerProvider.Postgres,
        "SQLSERVER" or "MSSQL" => LedgerProvider.SqlServer,
        _ => throw new ArgumentException($"Unknown Ledger:Provider '{value}'. Use sqlite, postgres or sqlserver.", nameof(value)),
    };

    /// <summary>The assembly that holds the provider's migrations.</summary>
    public static string MigrationsAssembly(LedgerProvider provider) => provider switch
    {
        LedgerProvider.Postgres => "FuncLedger.Migrations.Postgres",
        LedgerProvider.SqlServer => "FuncLedger.Migrations.SqlServer",
        _ => "FuncLedger.Migrations.Sqlite",
    };
}
