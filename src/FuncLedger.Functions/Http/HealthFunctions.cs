using FuncLedger.Core.Maintenance;
using FuncLedger.Functions.Contracts;
using FuncLedger.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace FuncLedger.Functions.Http;

/// <summary>
/// Two probes. Liveness (<c>GET health</c>, anonymous) answers that the app runs, with no database round trip and nothing
/// about how it is built, so an anonymous caller can neither learn the provider nor load the database through it.
/// Readiness (<c>GET ops/health</c>, master key) checks what the app needs to do its work: the database reachable with no
/// migration pending, and the payout queue reachable.
/// </summary>
public sealed class HealthFunctions(ILedgerMaintenance maintenance, IServiceProvider services)
{
    /// <summary>How long the readiness probe waits for the queue service.</summary>
    public static readonly TimeSpan QueueProbeTimeout = TimeSpan.FromSeconds(5);

    [Function(nameof(Health))]
    public IActionResult Health([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return HttpInput.Ok(LivenessResponse.Alive, FuncLedgerJson.Default.LivenessResponse);
    }

    [Function(nameof(Readiness))]
    public async Task<IActionResult> Readiness(
        [HttpTrigger(AuthorizationLevel.Admin, "get", Route = "ops/health")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var database = ReadinessResponse.Reachable;
        IReadOnlyList<string> pending = [];
        try
        {
            pending = (await maintenance.StatusAsync(cancellationToken)).PendingMigrations;
        }
        catch (Exception e) when (HttpErrors.IsUnavailable(e))
        {
            database = ReadinessResponse.Unreachable;
        }

        var queue = await QueueAsync(cancellationToken);
        var ready = database == ReadinessResponse.Reachable && pending.Count == 0 && queue == ReadinessResponse.Reachable;
        var response = new ReadinessResponse(ready ? "ready" : "not_ready", maintenance.Provider, database, pending, queue);
        return new JsonResponse<ReadinessResponse>(ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable, response,
            FuncLedgerJson.Default.ReadinessResponse);
    }

    private async Task<string> QueueAsync(CancellationToken cancellationToken)
    {
        PayoutQueues queues;
        try
        {
            queues = services.GetRequiredService<PayoutQueues>();
        }
        catch (InvalidOperationException)
        {
            return ReadinessResponse.NotConfigured;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(QueueProbeTimeout);
        return await queues.ProbeAsync(timeout.Token) ? ReadinessResponse.Reachable : ReadinessResponse.Unreachable;
    }
}
