using FuncLedger.Functions;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddFuncLedgerFunctions(builder.Configuration);
builder.Services.AddFuncLedgerTelemetry(builder.Configuration);
builder.Build().Run();
