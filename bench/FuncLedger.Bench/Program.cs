using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using FuncLedger.Bench;

// bench macro --pg <cs> --azurite <cs> [--seconds 10] [--wallets 10000] [--warmup 15] --root <repo>
// bench transfer --pg <cs> [--seconds 10] [--warmup 15] [--replay-warmup 1] [--keys prefix|uuid4|uuid7]
//                 core transfers at 1 and 8 clients and replays at 1 (A/B runs; bench/random-keys.sh)
// bench prepare --pg <cs>   migrate and seed the benchmark wallets only (bench/random-keys.sh loads entries after it)
// bench posting --pg <cs> [--seconds 10] [--warmup 15]   a 100-leg posting against the 99 transfers moving the same coins,
//                                                        and a hold + capture against two transfers
// bench purchase --pg <cs> [--seconds 10] [--warmup 15] [--rounds 3]   purchases against transfers, 8 clients each, interleaved
// bench promo --pg <cs> [--seconds 10] [--warmup 15] [--rounds 3]      promo redemptions against credits, 8 clients each
// bench queue --pg <cs> [--concurrency 256]          the queue function's path in-process only
// bench drain --azurite <cs> [--messages 2000] [--batch 32]   Azurite's receive + delete ceiling only (the listener's pattern)
// bench payouts --pg <cs> --azurite <cs> [--messages 2000] [--root .]   the drain, then awards through Standalone to completion
// bench micro            (BenchmarkDotNet, short run)
// bench chart <summary.json> <out.png>
var mode = args.Length > 0 ? args[0] : "";
string Arg(string name, string fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

switch (mode)
{
    case "macro":
        await Macro.RunAsync(new Macro.Options(Arg("--pg", ""), Arg("--azurite", ""), int.Parse(Arg("--seconds", "10"), CultureInfo.InvariantCulture),
            int.Parse(Arg("--wallets", "10000"), CultureInfo.InvariantCulture), Arg("--root", "."), int.Parse(Arg("--warmup", "15"), CultureInfo.InvariantCulture)));
        return 0;
    case "drain":
        Console.WriteLine(JsonSerializer.Serialize(await Macro.AzuriteDrainAsync(new Macro.Options("", Arg("--azurite", ""), 0, 0, "."),
            int.Parse(Arg("--messages", "2000"), CultureInfo.InvariantCulture), int.Parse(Arg("--batch", "32"), CultureInfo.InvariantCulture)), BenchJson.Default.Figure));
        return 0;
    case "queue":
    {
        var o = new Macro.Options(Arg("--pg", ""), "", int.Parse(Arg("--seconds", "10"), CultureInfo.InvariantCulture),
            int.Parse(Arg("--wallets", "10000"), CultureInfo.InvariantCulture), ".");
        await Macro.PrepareAsync(FuncLedger.Core.Persistence.LedgerProvider.Postgres, o.Postgres, o.Wallets);
        Console.WriteLine(JsonSerializer.Serialize(await Macro.PayoutProcessorAsync(o, o.Postgres,
            int.Parse(Arg("--concurrency", "256"), CultureInfo.InvariantCulture)), BenchJson.Default.Figure));
        return 0;
    }
    case "payouts":
    {
        // Award messages through Standalone's queue listener to completion, after the emulator's own drain of as many
        // messages with the listener's receive pattern: for A/B runs of the listener.
        var o = new Macro.Options(Arg("--pg", ""), Arg("--azurite", ""), 0, int.Parse(Arg("--wallets", "10000"), CultureInfo.InvariantCulture),
            Arg("--root", "."));
        var messages = int.Parse(Arg("--messages", "2000"), CultureInfo.InvariantCulture);
        var host = FuncLedger.Standalone.HostJson.Load(Path.Combine(o.RepositoryRoot, "host.json"));
        await Macro.PrepareAsync(FuncLedger.Core.Persistence.LedgerProvider.Postgres, o.Postgres, o.Wallets);
        Console.WriteLine(JsonSerializer.Serialize(await Macro.AzuriteDrainAsync(o, messages, host.QueueBatchSize, host.QueueNewBatchThreshold),
            BenchJson.Default.Figure));
        Console.WriteLine(JsonSerializer.Serialize(await Macro.PayoutsAsync(o, o.Postgres, messages), BenchJson.Default.Figure));
        return 0;
    }
    case "transfer":
    {
        var o = new Macro.Options(Arg("--pg", ""), "", int.Parse(Arg("--seconds", "10"), CultureInfo.InvariantCulture),
            int.Parse(Arg("--wallets", "10000"), CultureInfo.InvariantCulture), ".", int.Parse(Arg("--warmup", "15"), CultureInfo.InvariantCulture),
            int.Parse(Arg("--replay-warmup", "1"), CultureInfo.InvariantCulture), Arg("--keys", "prefix"));
        foreach (var figure in await Macro.TransfersOnlyAsync(o))
        {
            Console.WriteLine(JsonSerializer.Serialize(figure, BenchJson.Default.Figure));
        }

        return 0;
    }
    case "prepare":
        await Macro.PrepareAsync(FuncLedger.Core.Persistence.LedgerProvider.Postgres, Arg("--pg", ""),
            int.Parse(Arg("--wallets", "10000"), CultureInfo.InvariantCulture));
        return 0;
    case "purchase":
    {
        var o = new Macro.Options(Arg("--pg", ""), "", int.Parse(Arg("--seconds", "10"), CultureInfo.InvariantCulture),
            int.Parse(Arg("--wallets", "10000"), CultureInfo.InvariantCulture), ".", int.Parse(Arg("--warmup", "15"), CultureInfo.InvariantCulture));
        foreach (var figure in await Macro.PurchasesAsync(o, int.Parse(Arg("--rounds", "3"), CultureInfo.InvariantCulture)))
        {
            Console.WriteLine(JsonSerializer.Serialize(figure, BenchJson.Default.Figure));
        }

        return 0;
    }
    case "promo":
    {
        var o = new Macro.Options(Arg("--pg", ""), "", int.Parse(Arg("--seconds", "10"), CultureInfo.InvariantCulture),
            int.Parse(Arg("--wallets", "10000"), CultureInfo.InvariantCulture), ".", int.Parse(Arg("--warmup", "15"), CultureInfo.InvariantCulture));
        foreach (var figure in await Macro.PromosAsync(o, int.Parse(Arg("--rounds", "3"), CultureInfo.InvariantCulture)))
        {
            Console.WriteLine(JsonSerializer.Serialize(figure, BenchJson.Default.Figure));
        }

        return 0;
    }
    case "posting":
    {
        var o = new Macro.Options(Arg("--pg", ""), "", int.Parse(Arg("--seconds", "10"), CultureInfo.InvariantCulture),
            int.Parse(Arg("--wallets", "10000"), CultureInfo.InvariantCulture), ".", int.Parse(Arg("--warmup", "15"), CultureInfo.InvariantCulture));
        foreach (var figure in await Macro.PostingsAsync(o))
        {
            Console.WriteLine(JsonSerializer.Serialize(figure, BenchJson.Default.Figure));
        }

        return 0;
    }
    case "micro":
        BenchmarkRunner.Run<HotPath>(DefaultConfig.Instance.AddJob(Job.ShortRun).WithOptions(ConfigOptions.DisableLogFile)
            .WithArtifactsPath(Arg("--artifacts", "artifacts/bench/micro")));
        return 0;
    case "chart":
        Chart.Write(args[1], args[2]);
        return 0;
    default:
        Console.Error.WriteLine("usage: bench macro|micro|chart ...");
        return 2;
}

namespace FuncLedger.Bench
{
    [JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
    [JsonSerializable(typeof(Figure))]
    internal sealed partial class BenchJson : JsonSerializerContext;

    /// <summary>
    /// Bars of each figure against its goal, from the summary run.sh writes: a bar's height is how far the figure goes
    /// towards its goal (value / goal, or goal / value for an at-most goal such as a latency), so the goal is 1.0 for every
    /// bar; the label is the figure itself.
    /// </summary>
    internal static class Chart
    {
        public static void Write(string summaryPath, string pngPath)
        {
            using var document = JsonDocument.Parse(File.ReadAllText(summaryPath));
            var rows = document.RootElement.GetProperty("ratios").EnumerateArray()
                .Select(r => (Name: r.GetProperty("name").GetString()!, Value: r.GetProperty("value").GetDouble(),
                    Goal: r.GetProperty("goal").GetDouble(), AtMost: r.TryGetProperty("at_most", out var m) && m.GetBoolean()))
                .ToArray();
            var plot = new ScottPlot.Plot();
            var bars = rows.Select((r, i) =>
            {
                var reached = r.AtMost ? r.Goal / r.Value : r.Value / r.Goal;
                return new ScottPlot.Bar
                {
                    Position = i,
                    Value = reached,
                    FillColor = reached >= 1 ? ScottPlot.Colors.SeaGreen : ScottPlot.Colors.IndianRed,
                    Label = r.Value.ToString("0.00", CultureInfo.InvariantCulture) + (r.Name.Contains(" ms", StringComparison.Ordinal) ? " ms" : "x"),
                };
            }).ToArray();
            plot.Add.Bars(bars);
            var goal = plot.Add.HorizontalLine(1);
            goal.LineWidth = 2;
            goal.Color = ScottPlot.Colors.Black;

            plot.Axes.Bottom.SetTicks([.. rows.Select((_, i) => (double)i)], [.. rows.Select(r => r.Name)]);
            plot.Axes.Bottom.TickLabelStyle.Rotation = 30;
            plot.Axes.Bottom.TickLabelStyle.Alignment = ScottPlot.Alignment.MiddleLeft;
            plot.Axes.Margins(bottom: 0);
            plot.Title("FuncLedger: each figure against its goal (1.0 = goal; label: the figure)");
            plot.YLabel("share of goal");
            plot.Layout.Fixed(new ScottPlot.PixelPadding(60, 90, 170, 40));
            plot.SavePng(pngPath, 1000, 560);
        }
    }
}
