using FuncLedger.Functions;
using Microsoft.Extensions.Hosting;

WorkerHost.CreateBuilder(args).Build().Run();
