using FuncLedger.Hosting;
using FuncLedger.Core.Maintenance;
using FuncLedger.Core.Reconciliation;
using FuncLedger.Functions.Contracts;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace FuncLedger.Functions.Http;

/// <summary>Operator endpoints: reconciliation on demand (master key) and the health probe (anonymous).</summary>
public sealed class AdminFunctions(IReconciler reconciler, ILedgerMaintenance maintenance, LedgerHttp http)
{
    [Function(nameof(Reconcile))]
    public Task<IActionResult> Reconcile(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = "ops/reconcile")] HttpRequest request,
        CancellationToken cancellationToken) =>
        http.HandleAsync(request, async () =>
        {
            // A dry run unless the caller asks for the fix explicitly.
            var dryRun = HttpInput.QueryBool(request, "dryRun") ?? true;
            var report = await reconciler.RunAsync(new ReconcileRequest(Fix: !dryRun, ReconciliationTriggers.Http), cancellationToken);
            return HttpInput.Ok(ReconcileResponse.From(report), FuncLedgerJson.Default.ReconcileResponse);
        }, cancellationToken);

    [Function(nameof(Health))]
    public async Task<IActionResult> Health(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        HealthResponse health;
        try
        {
            var status = await maintenance.StatusAsync(cancellationToken);
            health = status.PendingMigrations.Count == 0
                ? new HealthResponse("healthy", status.Provider, null, [])
                : new HealthResponse("unhealthy", status.Provider, "migrations_pending", status.PendingMigrations);
        }
        catch (Exception e) when (HttpErrors.IsUnavailable(e))
        {
            health = new HealthResponse("unhealthy", maintenance.Provider, "database_unreachable", []);
        }

        return new JsonResponse<HealthResponse>(health.Reason is null ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable,
            health, FuncLedgerJson.Default.HealthResponse);
    }
}
