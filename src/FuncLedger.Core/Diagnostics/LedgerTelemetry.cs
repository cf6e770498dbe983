using System.Diagnostics;
using System.Diagnostics.Metrics;
using FuncLedger.Core.Domain;

namespace FuncLedger.Core.Diagnostics;

/// <summary>
/// FuncLedger's own metrics and traces: one <see cref="Meter"/> and one <see cref="ActivitySource"/>, both named
/// <see cref="Name"/>. Tags name the operation, its outcome, an error type or a trigger, never an owner, a wallet or a
/// key (those would make every series a person's and the cardinality unbounded).
/// </summary>
public static class LedgerTelemetry
{
    /// <summary>The meter's and the activity source's name (what an exporter subscribes to).</summary>
    public const string Name = "FuncLedger";

    public static readonly ActivitySource ActivitySource = new(Name, typeof(LedgerTelemetry).Assembly.GetName().Version?.ToString());

    public static readonly Meter Meter = new(Name, typeof(LedgerTelemetry).Assembly.GetName().Version?.ToString());

    /// <summary>Ledger operations by <c>operation</c> and <c>outcome</c> (ok, replayed, or the refusal's error code).</summary>
    public static readonly Counter<long> OperationsCounted = Meter.CreateCounter<long>("funcledger.operations", "{operation}",
        "Ledger operations by kind and outcome");

    public static readonly Histogram<double> OperationDuration = Meter.CreateHistogram("funcledger.operation.duration", "s",
        "Duration of a ledger operation, retries included",
        advice: new InstrumentAdvice<double>
        {
            HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
        });

    public static readonly Counter<long> Replays = Meter.CreateCounter<long>("funcledger.replays", "{operation}",
        "Operations answered from their idempotency key, writing nothing");

    public static readonly Counter<long> Conflicts = Meter.CreateCounter<long>("funcledger.conflicts", "{operation}",
        "Idempotency conflicts: a key reused for a different request");

    public static readonly Counter<long> InsufficientFunds = Meter.CreateCounter<long>("funcledger.insufficient_funds", "{operation}",
        "Operations refused for insufficient funds");

    public static readonly Counter<long> Retries = Meter.CreateCounter<long>("funcledger.retries", "{retry}",
        "Units of work retried after a deadlock, serialization failure or busy database");

    public static readonly Counter<long> PayoutAwards = Meter.CreateCounter<long>("funcledger.payouts.awards", "{award}",
        "Payout messages by award type and outcome (paid, already_paid, rejected)");

    public static readonly Histogram<int> PayoutBatchSize = Meter.CreateHistogram("funcledger.payouts.batch_size", "{award}",
        "Awards committed together by the payout writer",
        advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256] });

    public static readonly Histogram<double> PayoutLag = Meter.CreateHistogram("funcledger.payouts.lag", "s",
        "Time from a payout message's enqueueing to its award being paid (or found paid)",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600] });

    public static readonly Counter<long> DriftFound = Meter.CreateCounter<long>("funcledger.reconcile.drift_found", "{wallet}",
        "Wallets whose cached balance or held coins disagreed with the ledger");

    public static readonly Counter<long> DriftFixed = Meter.CreateCounter<long>("funcledger.reconcile.drift_fixed", "{wallet}",
        "Drifted wallets corrected by a reconciliation");

    /// <summary>The outcome tag of a failed operation: the ledger's stable code, <c>unavailable</c>, or <c>error</c>.</summary>
    public static string Outcome(Exception error) => error switch
    {
        LedgerException e => e.Code,
        LedgerUnavailableException => "unavailable",
        OperationCanceledException => "canceled",
        _ => "error",
    };

    /// <summary>Runs a write with a span (<c>ledger {operation}</c>, the database's spans under it), and records its count,
    /// outcome and duration. Tags carry no owner, wallet or key.</summary>
    public static async Task<T> MeasureAsync<T>(string operation, Func<Task<T>> write, Func<T, bool> replayed)
    {
        using var activity = ActivitySource.StartActivity("ledger " + operation, ActivityKind.Internal);
        activity?.SetTag("ledger.operation", operation);
        var started = Stopwatch.GetTimestamp();
        var outcome = "error";
        try
        {
            var result = await write();
            outcome = replayed(result) ? "replayed" : "ok";
            return result;
        }
        catch (Exception e)
        {
            outcome = Outcome(e);
            activity?.SetStatus(e is LedgerException ? ActivityStatusCode.Unset : ActivityStatusCode.Error, outcome);
            throw;
        }
        finally
        {
            Record(operation, outcome, Stopwatch.GetElapsedTime(started).TotalSeconds, activity);
        }
    }

    private static void Record(string operation, string outcome, double seconds, Activity? activity)
    {
        activity?.SetTag("ledger.outcome", outcome);
        var tags = new TagList { { "operation", operation }, { "outcome", outcome } };
        OperationsCounted.Add(1, tags);
        OperationDuration.Record(seconds, tags);
        var only = new KeyValuePair<string, object?>("operation", operation);
        switch (outcome)
        {
            case "replayed":
                Replays.Add(1, only);
                break;
            case LedgerErrorCodes.IdempotencyConflict:
                Conflicts.Add(1, only);
                break;
            case LedgerErrorCodes.InsufficientFunds:
                InsufficientFunds.Add(1, only);
                break;
        }
    }
}
