using Microsoft.Extensions.Hosting;

namespace FuncLedger.Core.Maintenance;

/// <summary>
/// <see cref="ILedgerMaintenance.WarmUpAsync"/> when the host starts, in the background: a cold instance's first request
/// (a Flex Consumption scale-out, a restart) otherwise waits for EF Core's model and then for the first connection, one
/// after the other. Stopping the host cancels a warm-up still running.
/// </summary>
internal sealed class LedgerWarmUp(ILedgerMaintenance maintenance) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _running = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _running = maintenance.WarmUpAsync(_stopping.Token);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        try
        {
            await _running.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Cancelled by the stop itself, or the host stopped waiting: nothing was left half done.
        }
    }

    public void Dispose() => _stopping.Dispose();
}
