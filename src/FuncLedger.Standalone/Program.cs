using FuncLedger.Core.Domain;
using FuncLedger.Standalone;

// A setting that cannot work (a short key, an unknown provider, an unreachable database for --migrate) is one line on
// stderr and exit code 2 before the server starts, not a stack trace.
Microsoft.AspNetCore.Builder.WebApplication app;
try
{
    var options = StandaloneHost.ParseArgs(args);
    app = StandaloneHost.Build(options);
    StandaloneHost.ValidateSettings(app.Services);
    if (options.Migrate)
    {
        var applied = await StandaloneHost.MigrateAsync(app.Services);
        Console.WriteLine(applied.Count == 0 ? "migrations: up to date" : $"migrations: applied {string.Join(", ", applied)}");
    }
}
catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException or LedgerUnavailableException)
{
    var cause = e switch
    {
        LedgerUnavailableException { InnerException: { } inner } => "cannot reach the database (" + inner.GetType().Name + ")",
        ArgumentException { ParamName: { } name } => e.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal),
        _ => e.Message,
    };
    await Console.Error.WriteLineAsync("error: " + cause.Split('\n')[0]);
    return 2;
}

await app.RunAsync();
return 0;
