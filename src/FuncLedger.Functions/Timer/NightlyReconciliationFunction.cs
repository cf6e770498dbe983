using FuncLedger.Core.Commerce;
using FuncLedger.Core.Domain;
using FuncLedger.Core.Reconciliation;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace FuncLedger.Functions.Timer;

/// <summary>Settings of the nightly reconciliation.</summary>
public sealed class ReconcileOptions
{
    /// <summary>The configuration section (<c>Reconcile__FixDrift</c> as an app setting).</summary>
    public const string Section = "Reconcile";

    /// <summary>The app setting holding the NCRONTAB schedule (six fields, UTC).</summary>
    public const string ScheduleSetting = "ReconcileSchedule";

    public const string ScheduleDefault = "0 0 3 * * *";

    /// <summary>Correct drifted wallets (true) or only report them (false, the default).</summary>
    public bool FixDrift { get; set; }

    /// <summary>Runs again after an unavailable database (a serverless database resuming, a failover) instead of waiting a
    /// day; 3 retries after 15, 30 and 60 s fit host.json's 5-minute function timeout.</summary>
    public int RetryAttemptsMax { get; set; } = 3;

    /// <summary>The first retry's delay; each next one doubles it.</summary>
    public int RetryDelayBaseMs { get; set; } = 15_000;
}

/// <summary>Checks every cached balance against the ledger each night and stores a run record.</summary>
public sealed partial class NightlyReconciliationFunction(
    IReconciler reconciler, IShop shop, IPromos promos, ReconcileOptions options, TimeProvider time,
    ILogger<NightlyReconciliationFunction> logger)
{
    [Function(nameof(NightlyReconciliation))]
    public async Task NightlyReconciliation(
        [TimerTrigger("%" + ReconcileOptions.ScheduleSetting + "%", RunOnStartup = false)] TimerInfo timer,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        if (timer.IsPastDue)
        {
            LogPastDue(logger);
        }

        // The core logs a warning per drifted wallet ID and stores the run record.
        var report = await RunWithRetriesAsync(cancellationToken);
        if (!report.TotalsMatch && report.DriftCount == 0)
        {
            LogTotalsMismatch(logger, report.BalancesTotal, report.EntriesTotal);
        }

        // The shop's half of the pair: its revenue against the entries, inventory against the units bought, checkouts against
        // their holds (counts only: no owner data).
        var revenue = await shop.GetRevenueAsync(cancellationToken);
        if (!revenue.Consistent)
        {
            LogShopDrift(logger, revenue.Net, revenue.EntriesNet, revenue.InventoryDrift, revenue.CheckoutDrift);
        }

        // Each promo campaign's budget line: the coins its redemptions record against its entries (campaign IDs only).
        var budget = await promos.GetBudgetAsync(cancellationToken);
        foreach (var line in budget.Campaigns.Where(c => c.Drifts))
        {
            LogPromoDrift(logger, line.CampaignId, line.CoinsRecorded, line.CoinsGranted);
        }

        if (budget.UnlinkedEntries > 0)
        {
            LogPromoUnlinked(logger, budget.UnlinkedEntries);
        }
    }

    [LoggerMessage(EventId = 6007, Level = LogLevel.Warning,
        Message = "Promo campaign {CampaignId} drifts: redemptions record {CoinsRecorded} coins, its entries granted {CoinsGranted}")]
    private static partial void LogPromoDrift(ILogger logger, long campaignId, long coinsRecorded, long coinsGranted);

    [LoggerMessage(EventId = 6008, Level = LogLevel.Warning, Message = "{Count} promo entries have no redemption")]
    private static partial void LogPromoUnlinked(ILogger logger, int count);

    [LoggerMessage(EventId = 6006, Level = LogLevel.Warning,
        Message = "Shop drift: net {Net} against entries {EntriesNet}; inventory lines {InventoryDrift}; checkouts {CheckoutDrift}")]
    private static partial void LogShopDrift(ILogger logger, long net, long entriesNet, long inventoryDrift, long checkoutDrift);

    private async Task<ReconciliationReport> RunWithRetriesAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await reconciler.RunAsync(new ReconcileRequest(options.FixDrift, ReconciliationTriggers.Timer), cancellationToken);
            }
            catch (LedgerUnavailableException e) when (attempt <= options.RetryAttemptsMax)
            {
                var delay = TimeSpan.FromMilliseconds(options.RetryDelayBaseMs * Math.Pow(2, attempt - 1));
                var cause = e.InnerException?.GetType().Name ?? e.GetType().Name;
                LogRetry(logger, attempt, options.RetryAttemptsMax, delay.TotalSeconds, cause);
                await Task.Delay(delay, time, cancellationToken);
            }
        }
    }

    [LoggerMessage(EventId = 6003, Level = LogLevel.Warning,
        Message = "Nightly reconciliation found the database unavailable ({ErrorType}); "
            + "retry {Attempt} of {AttemptsMax} in {DelaySeconds} s")]
    private static partial void LogRetry(ILogger logger, int attempt, int attemptsMax, double delaySeconds, string errorType);

    [LoggerMessage(EventId = 6001, Level = LogLevel.Warning, Message = "Nightly reconciliation is running late (past due)")]
    private static partial void LogPastDue(ILogger logger);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Error,
        Message = "Totals differ without a drifted wallet: balances {BalancesTotal}, entries {EntriesTotal}")]
    private static partial void LogTotalsMismatch(ILogger logger, long balancesTotal, long entriesTotal);
}
