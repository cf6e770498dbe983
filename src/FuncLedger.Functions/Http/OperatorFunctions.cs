using FuncLedger.Core.Domain;
using FuncLedger.Core.Payouts;
using FuncLedger.Core.Reconciliation;
using FuncLedger.Functions.Contracts;
using FuncLedger.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace FuncLedger.Functions.Http;

/// <summary>
/// Operators' reads and repairs (master key), the same as the CLI's <c>payouts</c> and <c>runs</c> commands: payout
/// rejections, the poison queue and moving its messages back (safe: every award is idempotent), and reconciliation runs.
/// </summary>
public sealed class OperatorFunctions(IPayoutRejections rejections, IReconciler reconciler, IServiceProvider services, LedgerHttp http)
{
    public const int RejectionsCountDefault = 50;
    public const int RunsCountDefault = 20;

    [Function(nameof(PayoutRejections))]
    public Task<IActionResult> PayoutRejections(
        [HttpTrigger(AuthorizationLevel.Admin, "get", Route = "ops/payouts/rejections")] HttpRequest request,
        CancellationToken cancellationToken) =>
        http.HandleAsync(request, async () =>
        {
            var count = Count(request, RejectionsCountDefault, PayoutRejectionLimits.RecentMax);
            var since = HttpInput.QueryInstant(request, "since");
            var list = await rejections.RecentAsync(count, since, cancellationToken);
            return HttpInput.Ok(new PayoutRejectionsResponse([.. list.Select(PayoutRejectionResponse.From)]),
                FuncLedgerJson.Default.PayoutRejectionsResponse);
        }, cancellationToken);

    [Function(nameof(PoisonList))]
    public Task<IActionResult> PoisonList(
        [HttpTrigger(AuthorizationLevel.Admin, "get", Route = "ops/payouts/poison")] HttpRequest request,
        CancellationToken cancellationToken) =>
        http.HandleAsync(request, async () =>
            HttpInput.Ok(await Queues.ListAsync(cancellationToken), FuncLedgerJson.Default.PoisonListing), cancellationToken);

    [Function(nameof(PoisonRequeue))]
    public Task<IActionResult> PoisonRequeue(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = "ops/payouts/poison/requeue")] HttpRequest request,
        CancellationToken cancellationToken) =>
        http.HandleAsync(request, async () =>
        {
            var id = HttpInput.QueryText(request, "id");
            var all = HttpInput.QueryBool(request, "all") ?? false;
            if ((id is null) == !all)
            {
                throw HttpInput.Invalid("id", "Name one message (id) or all of them (all=true), not both.");
            }

            var dryRun = HttpInput.QueryBool(request, "dryRun") ?? false;
            try
            {
                return HttpInput.Ok(await Queues.RequeueAsync(id, dryRun, cancellationToken), FuncLedgerJson.Default.RequeueResult);
            }
            catch (KeyNotFoundException e)
            {
                throw new HttpProblemException(ProblemCodes.MessageNotFound, e.Message);
            }
        }, cancellationToken);

    [Function(nameof(ReconciliationRuns))]
    public Task<IActionResult> ReconciliationRuns(
        [HttpTrigger(AuthorizationLevel.Admin, "get", Route = "ops/reconcile/runs")] HttpRequest request,
        CancellationToken cancellationToken) =>
        http.HandleAsync(request, async () =>
        {
            var runs = await reconciler.RecentRunsAsync(Count(request, RunsCountDefault, ReconciliationLimits.RecentRunsMax),
                cancellationToken);
            return HttpInput.Ok(new ReconciliationRunsResponse([.. runs.Select(ReconciliationRunResponse.From)]),
                FuncLedgerJson.Default.ReconciliationRunsResponse);
        }, cancellationToken);

    // Resolved on use: an app without queue storage settings still serves every other route.
    private PayoutQueues Queues => services.GetRequiredService<PayoutQueues>();

    private static int Count(HttpRequest request, int fallback, int max) => HttpInput.QueryInt(request, "count") switch
    {
        null => fallback,
        var c when c >= 1 && c <= max => c.Value,
        _ => throw HttpInput.Invalid("count", $"Must be 1 to {max}."),
    };
}
