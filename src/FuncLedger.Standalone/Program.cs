using FuncLedger.Standalone;

var options = StandaloneHost.ParseArgs(args);
var app = StandaloneHost.Build(options);
if (options.Migrate)
{
    var applied = await StandaloneHost.MigrateAsync(app.Services);
    Console.WriteLine(applied.Count == 0 ? "migrations: up to date" : $"migrations: applied {string.Join(", ", applied)}");
}

await app.RunAsync();
