using FuncLedger.Functions;
using Microsoft.Extensions.Hosting;

// A setting the app cannot work with (no history-link secret, an unknown provider) is one line on stderr and exit code 2
// before the worker starts, not a host that starts and answers 500.
IHost worker;
try
{
    worker = WorkerHost.CreateBuilder(args).Build();
}
catch (InvalidOperationException e)
{
    await Console.Error.WriteLineAsync("error: " + e.Message.Split('\n')[0]);
    return 2;
}

await worker.RunAsync();
return 0;
