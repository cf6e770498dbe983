using FuncLedger.Core.Persistence;
using FuncLedger.Core.Reconciliation;
using FuncLedger.Functions.Contracts;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.EntityFrameworkCore;

namespace FuncLedger.Functions.Http;

/// <summary>Operator endpoints: reconciliation on demand (master key) and the health probe (anonymous).</summary>
public sealed class AdminFunctions(IReconciler reconciler, IDbContextFactory<LedgerDbContext> contexts, LedgerHttp http)
{
    [Function(nameof(Reconcile))]
    public Task<IActionResult> Reconcile(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = "admin/reconcile")] HttpRequest request,
        CancellationToken cancellationToken) =>
        http.HandleAsync(request, async () =>
        {
            // A dry run unless the caller asks for the fix explicitly.
            var dryRun = LedgerHttp.QueryBool(request, "dryRun") ?? true;
            var report = await reconciler.RunAsync(new ReconcileRequest(Fix: !dryRun, ReconciliationTriggers.Http), cancellationToken);
            return LedgerHttp.Ok(ReconcileResponse.From(report), FuncLedgerJson.Default.ReconcileResponse);
        }, cancellationToken);

    [Function(nameof(Health))]
    public async Task<IActionResult> Health(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var provider = db.Provider.ToString().ToLowerInvariant();
        HealthResponse health;
        try
        {
            var pending = await LedgerDatabase.PendingMigrationsAsync(db, cancellationToken);
            health = pending.Count == 0
                ? new HealthResponse("healthy", provider, null, [])
                : new HealthResponse("unhealthy", provider, "migrations_pending", pending);
            if (pending.Count == 0 && !await db.Database.CanConnectAsync(cancellationToken))
            {
                health = new HealthResponse("unhealthy", provider, "database_unreachable", []);
            }
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
        {
            health = new HealthResponse("unhealthy", provider, "database_unreachable", []);
        }

        return new JsonResponse<HealthResponse>(health.Reason is null ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable,
            health, FuncLedgerJson.Default.HealthResponse);
    }
}
