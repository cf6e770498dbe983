using Microsoft.Azure.Functions.Worker;
using NCrontab;

namespace FuncLedger.Standalone;

/// <summary>A timer trigger on its NCRONTAB schedule (six fields, seconds first), in UTC, as the Functions
/// host runs it; <c>%Setting%</c> schedules are read from configuration.</summary>
public sealed partial class TimerScheduler : BackgroundService
{
    private readonly IServiceProvider _services;
    private readonly TimeProvider _time;
    private readonly ILogger<TimerScheduler> _logger;
    private readonly SemaphoreSlim _running = new(1, 1);
    private DateTime _last;

    public TimerScheduler(
        TimerFunction function, IConfiguration configuration, IServiceProvider services, TimeProvider time, ILogger<TimerScheduler> logger)
    {
        ArgumentNullException.ThrowIfNull(function);
        Function = function;
        _services = services;
        _time = time;
        _logger = logger;
        Expression = ResolveSchedule(function.Schedule, configuration);
        Schedule = Parse(Expression);
    }

    public TimerFunction Function { get; }

    /// <summary>The schedule after <c>%Setting%</c> resolution.</summary>
    public string Expression { get; }

    public CrontabSchedule Schedule { get; }

    public static string ResolveSchedule(string schedule, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(configuration);
        if (schedule.Length > 2 && schedule[0] == '%' && schedule[^1] == '%')
        {
            var setting = schedule[1..^1];
            return configuration[setting] is { Length: > 0 } value
                ? value
                : throw new InvalidOperationException($"Set {setting}: a timer schedule reads it.");
        }

        return schedule;
    }

    /// <summary>The schedule, as the host reads it: NCRONTAB with six fields (<see cref="HostRules.ScheduleProblem"/>).</summary>
    public static CrontabSchedule Parse(string expression) =>
        HostRules.ScheduleProblem(expression) is { } problem
            ? throw new InvalidOperationException($"Schedule '{expression}': {problem}.")
            : CrontabSchedule.Parse(expression, new CrontabSchedule.ParseOptions { IncludingSeconds = true });

    /// <summary>Runs the function once now (the schedule or an operator's manual run); one run at a time.</summary>
    public async Task RunOnceAsync(bool pastDue, CancellationToken cancellationToken)
    {
        await _running.WaitAsync(cancellationToken);
        try
        {
            var now = _time.GetUtcNow().UtcDateTime;
            var timer = new TimerInfo
            {
                IsPastDue = pastDue,
                ScheduleStatus = new ScheduleStatus { Last = _last, Next = Schedule.GetNextOccurrence(now), LastUpdated = now },
            };
            await using var scope = _services.CreateAsyncScope();
            await FunctionInvoker.InvokeTimerAsync(scope.ServiceProvider, Function, timer, cancellationToken);
            _last = now;
        }
        finally
        {
            _running.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var first = Schedule.GetNextOccurrence(_time.GetUtcNow().UtcDateTime);
        LogScheduled(_logger, Function.Name, Expression, first);
        if (Function.RunOnStartup)
        {
            await RunLoggedAsync(false, stoppingToken);
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var now = _time.GetUtcNow().UtcDateTime;
            var next = Schedule.GetNextOccurrence(now);
            try
            {
                await Task.Delay(next - now, _time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            await RunLoggedAsync(_time.GetUtcNow().UtcDateTime - next > TimeSpan.FromMinutes(1), stoppingToken);
        }
    }

    private async Task RunLoggedAsync(bool pastDue, CancellationToken stoppingToken)
    {
        try
        {
            await RunOnceAsync(pastDue, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // As in the Functions host, a failed run is logged and the schedule goes on.
            LogFailed(_logger, e, Function.Name);
        }
    }

    public override void Dispose()
    {
        _running.Dispose();
        base.Dispose();
    }

    [LoggerMessage(EventId = 7101, Level = LogLevel.Information, Message = "{Function} scheduled '{Schedule}' (UTC); next run {Next:u}")]
    private static partial void LogScheduled(ILogger logger, string function, string schedule, DateTime next);

    [LoggerMessage(EventId = 7102, Level = LogLevel.Error, Message = "{Function} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string function);
}
