using FuncLedger.Core.Commerce;
using FuncLedger.Core.Operations;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace FuncLedger.Functions.Timer;

/// <summary>Releases holds past their expiry (every minute by default). Expired holds never count against the available balance
/// whether this ran or not; it marks them expired and brings the wallets' cached held coins back in line. The shop's checkouts
/// past their expiry give their reserved stock back in the same run.</summary>
public sealed partial class HoldExpiryFunction(ILedger ledger, IShop shop, ILogger<HoldExpiryFunction> logger)
{
    /// <summary>The app setting holding the NCRONTAB schedule (six fields, UTC).</summary>
    public const string ScheduleSetting = "HoldExpirySchedule";

    public const string ScheduleDefault = "0 * * * * *";

    [Function(nameof(HoldExpiry))]
    public async Task HoldExpiry(
        [TimerTrigger("%" + ScheduleSetting + "%", RunOnStartup = false)] TimerInfo timer,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        var released = await ledger.ReleaseExpiredHoldsAsync(cancellationToken);
        if (released > 0)
        {
            LogReleased(logger, released);
        }

        var expired = await shop.ReleaseExpiredCheckoutsAsync(cancellationToken);
        if (expired > 0)
        {
            LogCheckoutsExpired(logger, expired);
        }
    }

    [LoggerMessage(EventId = 6102, Level = LogLevel.Information, Message = "Expired {Count} checkouts and returned their stock")]
    private static partial void LogCheckoutsExpired(ILogger logger, int count);

    [LoggerMessage(EventId = 6101, Level = LogLevel.Information, Message = "Released {Count} expired holds")]
    private static partial void LogReleased(ILogger logger, int count);
}
