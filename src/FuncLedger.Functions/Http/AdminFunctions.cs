using FuncLedger.Core.Reconciliation;
using FuncLedger.Functions.Contracts;
using FuncLedger.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace FuncLedger.Functions.Http;

/// <summary>Reconciliation on demand (master key).</summary>
public sealed class AdminFunctions(IReconciler reconciler, LedgerHttp http)
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
}
