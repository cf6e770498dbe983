using System.Diagnostics;
using FuncLedger.Core.Diagnostics;
using FuncLedger.Core.Domain;
using FuncLedger.Core.Reconciliation;
using FuncLedger.Functions.Queue;
using FuncLedger.Hosting;
using FuncLedger.TestSupport;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace FuncLedger.Functions.Tests;

/// <summary>
/// The app's metrics and spans as an exporter receives them (OpenTelemetry's in-memory exporter, registered through the
/// app's own telemetry composition) after a credit, a transfer, a replay, a refusal, a payout batch and a fixed drift, on
/// PostgreSQL (so the driver's spans nest under the ledger's). Alone in its collection: the meter is process-wide.
/// </summary>
[Collection("telemetry")]
public sealed class TelemetryTests(PostgresTestDatabase database)
{
    // Owner ids no metric tag, span name or span tag may carry.
    private const long Alice = 770_001;
    private const long Bob = 770_002;
    private const long Carol = 770_003;

    [Fact]
    public async Task Operations_replays_refusals_payouts_and_drift_are_counted_and_traced_without_owner_ids()
    {
        var exported = new List<Metric>();
        List<Point> metrics;
        var spans = new List<Activity>();
        var connection = await database.CreateAsync();
        await using (var host = new FunctionsHost(database.Provider, connection, configure: (services, configuration) =>
            services.AddFuncLedgerTelemetry(configuration, worker: false, t => t
                .WithMetrics(m => m.AddInMemoryExporter(exported))
                .WithTracing(tr => tr.AddInMemoryExporter(spans)))))
        {
            var ledger = host.Get<Core.Operations.ILedger>();
            await ledger.CreditAsync(Alice, 1_000, "seed", "tel-credit-1");
            await ledger.CreditAsync(Alice, 1_000, "seed", "tel-credit-1");
            await ledger.TransferAsync(Alice, Bob, 300, "gift", "tel-transfer-1");
            await Assert.ThrowsAsync<InsufficientFundsException>(() => ledger.DebitAsync(Bob, 5_000, "too much", "tel-debit-1"));
            var processor = host.Get<PayoutProcessor>();
            var paid = await Task.WhenAll(
                processor.ProcessAsync("tel-m1", 1, BinaryData.FromString($$"""{"type":"participation","registrationId":91,"ownerId":{{Carol}},"amount":25}"""), default,
                    TimeProvider.System.GetUtcNow().AddSeconds(-3)),
                processor.ProcessAsync("tel-m2", 1, BinaryData.FromString($$"""{"type":"placement","registrationId":91,"ownerId":{{Carol}},"amount":500,"place":1}"""), default),
                processor.ProcessAsync("tel-m3", 1, BinaryData.FromString($$"""{"type":"placement","registrationId":92,"ownerId":{{Carol}},"amount":10}"""), default));
            Assert.Equal([PayoutOutcome.Paid, PayoutOutcome.Paid, PayoutOutcome.Rejected], paid);
            await host.ExecuteAsync($"UPDATE wallets SET cached_balance = cached_balance + 7 WHERE owner_id = {Bob}");
            await host.Get<IReconciler>().RunAsync(new ReconcileRequest(Fix: true, ReconciliationTriggers.Http));

            var meters = host.Services.GetService(typeof(MeterProvider)) as MeterProvider;
            Assert.NotNull(meters);
            Assert.True(meters.ForceFlush());
            // Read now: the exporter keeps the live Metric objects, and the provider exports them again when it is disposed.
            metrics = [.. exported.Distinct().SelectMany(Points)];
        }

        long Sum(string name, params (string Key, string Value)[] tags) => metrics
            .Where(p => p.Name == name && tags.All(t => p.Tag(t.Key) == t.Value)).Sum(p => p.Sum);

        Assert.Equal(1, Sum("funcledger.operations", ("operation", "credit"), ("outcome", "ok")));
        Assert.Equal(1, Sum("funcledger.operations", ("operation", "credit"), ("outcome", "replayed")));
        Assert.Equal(1, Sum("funcledger.operations", ("operation", "transfer"), ("outcome", "ok")));
        Assert.Equal(1, Sum("funcledger.operations", ("operation", "debit"), ("outcome", "insufficient_funds")));
        Assert.Equal(1, Sum("funcledger.replays", ("operation", "credit")));
        Assert.Equal(1, Sum("funcledger.insufficient_funds", ("operation", "debit")));
        Assert.Equal(0, Sum("funcledger.conflicts"));
        Assert.Equal(2, Sum("funcledger.payouts.awards", ("outcome", "paid")));
        Assert.Equal(1, Sum("funcledger.payouts.awards", ("award_type", "placement"), ("outcome", "rejected")));
        Assert.Equal(1, Sum("funcledger.reconcile.drift_found", ("trigger", "http")));
        Assert.Equal(1, Sum("funcledger.reconcile.drift_fixed", ("trigger", "http")));
        // The two valid awards were committed in one or two batches: the histogram saw every award once.
        var batches = metrics.Where(p => p.Name == "funcledger.payouts.batch_size").ToList();
        Assert.Equal(2, batches.Sum(p => p.HistogramSum));
        Assert.Equal(batches.Sum(p => p.HistogramCount), Sum("funcledger.operations", ("operation", "award_batch"), ("outcome", "ok")));
        var lag = Assert.Single(metrics, p => p.Name == "funcledger.payouts.lag");
        Assert.Equal(1, lag.HistogramCount);
        Assert.InRange(lag.HistogramSum, 3, 60);
        // One duration per operation, under the same tags as its count.
        var durations = metrics.Where(p => p.Name == "funcledger.operation.duration").ToList();
        Assert.Equal(4 + batches.Sum(p => p.HistogramCount), durations.Sum(p => p.HistogramCount));
        Assert.All(durations, p => Assert.True(p.HistogramSum > 0));

        // Spans: one per ledger write, the database's commands under it.
        var transfer = Assert.Single(spans, s => s.Source.Name == LedgerTelemetry.Name && s.DisplayName == "ledger transfer");
        Assert.Equal("ok", transfer.GetTagItem("ledger.outcome"));
        Assert.Contains(spans, s => s.Source.Name == "Npgsql" && s.ParentSpanId == transfer.SpanId);
        var refusal = Assert.Single(spans, s => s.DisplayName == "ledger debit");
        Assert.Equal("insufficient_funds", refusal.GetTagItem("ledger.outcome"));

        // No owner id anywhere in a metric tag, a span name or a ledger span's tag.
        var owners = new[] { Alice, Bob, Carol }.Select(o => o.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var tagValues = metrics.Where(p => p.Meter == LedgerTelemetry.Name).SelectMany(p => p.Tags.Select(t => t.Value?.ToString() ?? ""))
            .Concat(spans.Where(s => s.Source.Name == LedgerTelemetry.Name).SelectMany(s => s.TagObjects.Select(t => t.Value?.ToString() ?? "")))
            .Concat(spans.Select(s => s.DisplayName)).ToList();
        Assert.NotEmpty(tagValues);
        Assert.DoesNotContain(tagValues, v => owners.Any(o => v.Contains(o, StringComparison.Ordinal)));
    }

    /// <summary>One exported point, copied out of the exporter's live objects.</summary>
    private sealed record Point(string Meter, string Name, IReadOnlyList<KeyValuePair<string, object?>> Tags, long Sum, long HistogramCount,
        double HistogramSum)
    {
        public string? Tag(string key) => Tags.FirstOrDefault(t => t.Key == key).Value?.ToString();
    }

    private static List<Point> Points(Metric metric)
    {
        var points = new List<Point>();
        var histogram = metric.MetricType.IsHistogram();
        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            var tags = new List<KeyValuePair<string, object?>>();
            foreach (var tag in point.Tags)
            {
                tags.Add(tag);
            }

            points.Add(new Point(metric.MeterName, metric.Name, tags, histogram ? 0 : point.GetSumLong(),
                histogram ? point.GetHistogramCount() : 0, histogram ? point.GetHistogramSum() : 0));
        }

        return points;
    }
}

[CollectionDefinition("telemetry", DisableParallelization = true)]
public sealed class TelemetryCollection : ICollectionFixture<PostgresTestDatabase>;
