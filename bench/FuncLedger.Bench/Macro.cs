using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Azure.Storage.Queues;
using FuncLedger.Core;
using FuncLedger.Core.Domain;
using FuncLedger.Core.Operations;
using FuncLedger.Core.Payouts;
using FuncLedger.Core.Persistence;
using FuncLedger.Functions.Queue;
using FuncLedger.Hosting;
using FuncLedger.Standalone;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace FuncLedger.Bench;

/// <summary>One measured figure, printed as a JSON line.</summary>
/// <param name="CpuUsPerOp">The benchmark process's CPU time (user + system, every thread) over the timed window per operation, in
/// microseconds: the app's own cost per call, the database's excluded (it runs in its own processes).</param>
/// <param name="AllocBytesPerOp">Bytes the process allocated over the timed window per operation.</param>
/// <param name="DbCpuUsPerOp">The CPU time of every PostgreSQL process on this machine over the timed window per operation, in
/// microseconds (0 when the server is not local).</param>
public sealed record Figure(string Bench, string Provider, int Clients, double Tps, double P50Ms, double P99Ms, long Ops, long Errors, string Note = "",
    double CpuUsPerOp = 0, double AllocBytesPerOp = 0, double DbCpuUsPerOp = 0);

/// <summary>The macro benchmarks: the core API, replays, a hot wallet, SQLite, HTTP through Standalone, payouts.</summary>
public static class Macro
{
    /// <param name="Warmup">Seconds of untimed work before the first benchmark of a process, so JIT tiering has settled
    /// (under load on 2 cores it takes 10-15 s); every later benchmark warms up for 1 s.</param>
    /// <param name="Keys">The transfers' client keys: prefix (run tag, client and counter: neighbours in the key index), uuid4
    /// (random) or uuid7 (time-ordered), for the growth benchmark with random keys (bench/random-keys.sh).</param>
    public sealed record Options(string Postgres, string Azurite, int Seconds, int Wallets, string RepositoryRoot, int Warmup = 15, int ReplayWarmup = 1,
        string Keys = "prefix");

    private sealed record TransferCall(long From, long To, long Amount, string Key);

    public static async Task<List<Figure>> RunAsync(Options o)
    {
        var figures = new List<Figure>();
        void Emit(Figure f)
        {
            figures.Add(f);
            Console.WriteLine(JsonSerializer.Serialize(f, BenchJson.Default.Figure));
        }

        var pg = await PreparedPostgresAsync(o);
        await using var pgServices = Services(LedgerProvider.Postgres, pg);
        var ledger = pgServices.GetRequiredService<ILedger>();

        // 1. Core transfers, keyed, random pairs.
        var calls1 = new ConcurrentBag<TransferCall>();
        var calls8 = new ConcurrentBag<TransferCall>();
        Emit(await TransfersAsync(ledger, "postgres", 1, o, calls1, "c1", o.Warmup));
        Emit(await TransfersAsync(ledger, "postgres", 8, o, calls8, "c8"));

        // 2. Replays of the same calls.
        Emit(await ReplaysAsync(ledger, "postgres", 1, o, [.. calls1]));
        Emit(await ReplaysAsync(ledger, "postgres", 8, o, [.. calls8]));

        // 3. Hot wallet: 8 workers debiting one wallet.
        Emit(await MeasureAsync("hot_wallet_debit", "postgres", 8, o.Seconds, async (c, i) =>
            await ledger.DebitAsync(new DebitCommand(OwnerId.From(1), Coins.From(1), "hot", IdempotencyKey.From($"hot-{c}-{i}")))));

        // 4. A 100-leg posting (a prize pool) against the 99 transfers that move the same coins; a hold and its capture to another
        // wallet (a checkout) against two transfers.
        Emit(await PostingsAsync(ledger, o));
        Emit(await HoldCapturesAsync(ledger, o));

        // 6. SQLite, 1 worker.
        var sqliteFile = Path.Combine(Path.GetTempPath(), $"funcledger-bench-{Guid.NewGuid():N}.db");
        var sqlite = new SqliteConnectionStringBuilder { DataSource = sqliteFile }.ToString();
        await PrepareAsync(LedgerProvider.Sqlite, sqlite, o.Wallets);
        await using (var sqliteServices = Services(LedgerProvider.Sqlite, sqlite))
        {
            Emit(await TransfersAsync(sqliteServices.GetRequiredService<ILedger>(), "sqlite", 1, o, [], "s1"));
        }

        SqliteConnection.ClearAllPools();
        File.Delete(sqliteFile);

        // 5a. The queue function's own path in-process (no queue service): as many concurrent invocations as one
        // instance runs (host.json's batchSize + newBatchThreshold), each paying one award through the batcher.
        var host = HostJson.Load(Path.Combine(o.RepositoryRoot, "host.json"));
        Emit(await PayoutProcessorAsync(o, pg, host.QueueBatchSize + host.QueueNewBatchThreshold));

        // 5b. Payout awards drained from Azurite by the queue function, beside what Azurite itself allows at the same depth.
        Emit(await AzuriteDrainAsync(o, PayoutMessages, host.QueueBatchSize, host.QueueNewBatchThreshold));
        Emit(await PayoutsAsync(o, pg, PayoutMessages));
        return figures;
    }

    /// <summary>Core transfers at 1 and 8 clients, then replays at 1 (bench transfer): for A/B runs of the write path.</summary>
    public static async Task<List<Figure>> TransfersOnlyAsync(Options o)
    {
        var pg = await PreparedPostgresAsync(o);
        await using var services = Services(LedgerProvider.Postgres, pg);
        var ledger = services.GetRequiredService<ILedger>();
        var calls1 = new ConcurrentBag<TransferCall>();
        return
        [
            await TransfersAsync(ledger, "postgres", 1, o, calls1, "c1", o.Warmup),
            await TransfersAsync(ledger, "postgres", 8, o, [], "c8"),
            await ReplaysAsync(ledger, "postgres", 1, o, [.. calls1], o.ReplayWarmup),
        ];
    }

    /// <summary>Purchases at 8 clients (random buyers, one item of unlimited stock: the shop keeps no revenue row to wait on)
    /// against transfers between random wallets at 8 clients, interleaved <paramref name="rounds"/> times in one run (bench
    /// purchase). Both get the same warm-up in the first round.</summary>
    public static async Task<List<Figure>> PurchasesAsync(Options o, int rounds = 3)
    {
        var pg = await PreparedPostgresAsync(o);
        await using var services = Services(LedgerProvider.Postgres, pg);
        var ledger = services.GetRequiredService<ILedger>();
        var shop = services.GetRequiredService<FuncLedger.Core.Commerce.IShop>();
        await shop.CreateItemAsync(FuncLedger.Core.Commerce.Sku.From("bench-gem"),
            FuncLedger.Core.Commerce.ItemTerms.Create("Bench gem", Coins.From(1), null, null, null, null, null));
        var figures = new List<Figure>();
        for (var round = 1; round <= rounds; round++)
        {
            var transfers = await TransfersAsync(ledger, "postgres", 8, o, [], $"pt{round}", round == 1 ? o.Warmup : 1);
            var purchases = await MeasureAsync("core_purchase", "postgres", 8, o.Seconds, async (c, i) =>
            {
                var buyer = Random.Shared.Next(1, o.Wallets + 1);
                await shop.PurchaseAsync(FuncLedger.Core.Commerce.PurchaseCommand.Create(OwnerId.From(buyer),
                    FuncLedger.Core.Commerce.Sku.From("bench-gem"), 1, Coins.From(1), IdempotencyKey.From($"pb{round}-{c}-{i}")));
            }, warmupSeconds: round == 1 ? o.Warmup : 1);
            var ratio = transfers.Tps > 0 ? Math.Round(purchases.Tps / transfers.Tps, 2) : 0;
            figures.Add(transfers);
            figures.Add(purchases with { Note = $"round {round}: purchases / transfers at 8 clients: {ratio}x (goal >= 0.8x)" });
        }

        return figures;
    }

    /// <summary>Promo redemptions at 8 clients (random players among the seeded wallets redeem one vanity code of an uncapped
    /// campaign, up to 1,000 times each) against keyed credits to random wallets at 8 clients, interleaved <paramref name="rounds"/>
    /// times in one run (bench promo).</summary>
    public static async Task<List<Figure>> PromosAsync(Options o, int rounds = 3)
    {
        var pg = await PreparedPostgresAsync(o);
        await using var services = Services(LedgerProvider.Postgres, pg);
        var ledger = services.GetRequiredService<ILedger>();
        var promos = services.GetRequiredService<FuncLedger.Core.Commerce.IPromos>();
        await promos.CreateCampaignAsync(FuncLedger.Core.Commerce.CampaignTerms.Create("Bench", 1, null, null, null, null,
            FuncLedger.Core.Domain.PromoLimits.PerPlayerLimitMax, "BENCH"));
        var figures = new List<Figure>();
        for (var round = 1; round <= rounds; round++)
        {
            var warmup = round == 1 ? o.Warmup : 1;
            var credits = await MeasureAsync("core_credit", "postgres", 8, o.Seconds, (c, i) =>
                ledger.CreditAsync(new CreditCommand(OwnerId.From(Random.Shared.Next(1, o.Wallets + 1)), Coins.From(1), "bench credit",
                    IdempotencyKey.From($"pc{round}-{c}-{i}"))), warmupSeconds: warmup);
            var redemptions = await MeasureAsync("core_promo_redeem", "postgres", 8, o.Seconds, (c, i) =>
                promos.RedeemAsync(new FuncLedger.Core.Commerce.RedeemCommand(OwnerId.From(Random.Shared.Next(1, o.Wallets + 1)), "BENCH",
                    IdempotencyKey.From($"pr{round}-{c}-{i}"))), warmupSeconds: warmup);
            var ratio = credits.Tps > 0 ? Math.Round(redemptions.Tps / credits.Tps, 2) : 0;
            figures.Add(credits);
            figures.Add(redemptions with { Note = $"round {round}: redemptions / credits at 8 clients: {ratio}x" });
        }

        return figures;
    }

    /// <summary>A 100-leg posting (one payer, 99 payees) against the 99 transfers that move the same coins, 1 client each
    /// (bench posting).</summary>
    public static async Task<List<Figure>> PostingsAsync(Options o, int legs = 100)
    {
        var pg = await PreparedPostgresAsync(o);
        await using var services = Services(LedgerProvider.Postgres, pg);
        var ledger = services.GetRequiredService<ILedger>();
        var transfers = await TransfersAsync(ledger, "postgres", 1, o, [], "pt", o.Warmup);
        var postings = await PostingsAsync(ledger, o, legs);
        var holds = await HoldCapturesAsync(ledger, o);
        var ratio = transfers.Tps > 0 ? Math.Round(postings.Tps * (legs - 1) / transfers.Tps, 2) : 0;
        var pair = transfers.Tps > 0 ? Math.Round(holds.Tps * 2 / transfers.Tps, 2) : 0;
        return
        [
            transfers,
            postings with { Note = $"one {legs}-leg posting / {legs - 1} transfers moving the same coins: {ratio}x" },
            holds with { Note = $"one hold + its capture to another wallet / two transfers: {pair}x" },
        ];
    }

    /// <summary>A checkout, 1 client: a keyed hold on a random wallet, then its capture to the next wallet (a transfer).</summary>
    private static Task<Figure> HoldCapturesAsync(ILedger ledger, Options o) =>
        MeasureAsync("core_hold_capture", "postgres", 1, o.Seconds, async (c, i) =>
        {
            var payer = Random.Shared.Next(1, o.Wallets - 1);
            var hold = await ledger.PlaceHoldAsync(new HoldCommand(OwnerId.From(payer), Coins.From(5), "bench checkout",
                IdempotencyKey.From($"hc-{c}-{i}")));
            await ledger.CaptureHoldAsync(new CaptureCommand(hold.HoldId, To: OwnerId.From(payer + 1)));
        });

    /// <summary>100-leg postings, 1 client: one payer (a random wallet) pays 1 coin to each of the next 99.</summary>
    private static Task<Figure> PostingsAsync(ILedger ledger, Options o, int legs = 100) =>
        MeasureAsync("core_posting_100_legs", "postgres", 1, o.Seconds, async (c, i) =>
        {
            var payer = Random.Shared.Next(1, o.Wallets - legs);
            PostingLeg[] all =
            [
                new(OwnerId.From(payer), -(legs - 1)),
                .. Enumerable.Range(1, legs - 1).Select(n => new PostingLeg(OwnerId.From(payer + n), 1)),
            ];
            await ledger.PostAsync(new PostingCommand(all, "bench", IdempotencyKey.From($"pp-{c}-{i}")));
        });

    /// <summary>The benchmark database migrated and seeded (<see cref="PrepareAsync"/>), and its connection string: the
    /// ledger's own settings, with a pool for 8 clients and more.</summary>
    private static async Task<string> PreparedPostgresAsync(Options o)
    {
        var pg = new NpgsqlConnectionStringBuilder(o.Postgres) { MaxPoolSize = 64 }.ToString();
        await PrepareAsync(LedgerProvider.Postgres, pg, o.Wallets);
        return pg;
    }

    private static ServiceProvider Services(LedgerProvider provider, string cs) =>
        new ServiceCollection().AddLogging(b => b.SetMinimumLevel(LogLevel.Error)).AddLedgerCore(provider, cs).BuildServiceProvider();

    /// <summary>Migrates and seeds W wallets holding 10^9 coins each, backed by one entry each.</summary>
    public static async Task PrepareAsync(LedgerProvider provider, string cs, int wallets)
    {
        await using var services = Services(provider, cs);
        await using var db = await services.GetRequiredService<IDbContextFactory<LedgerDbContext>>().CreateDbContextAsync();
        await LedgerDatabase.MigrateAsync(db);
        // Seeded once: a later benchmark of the same run (bench purchase after bench macro) reuses the wallets.
        var series = provider == LedgerProvider.Postgres
            ? $"SELECT g FROM generate_series(1, {wallets}) g"
            : $"WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < {wallets}) SELECT g FROM s";
        var now = provider == LedgerProvider.Postgres ? "now()" : "'2026-01-01 00:00:00'";
        var no = provider == LedgerProvider.Postgres ? "false" : "0";
        await db.Database.ExecuteSqlRawAsync(
            $"INSERT INTO wallets (owner_id, cached_balance, allow_overdraft, created_at, updated_at) SELECT g, 1000000000, {no}, {now}, {now} FROM ({series}) x WHERE NOT EXISTS (SELECT 1 FROM wallets)");
        await db.Database.ExecuteSqlRawAsync(
            $"INSERT INTO ledger_entries (wallet_id, amount, balance_after, reason, created_at) SELECT id, 1000000000, 1000000000, 'seed', {now} FROM wallets WHERE NOT EXISTS (SELECT 1 FROM ledger_entries WHERE reason = 'seed')");
        if (provider == LedgerProvider.Postgres)
        {
            await db.Database.ExecuteSqlRawAsync("VACUUM ANALYZE wallets");
            await db.Database.ExecuteSqlRawAsync("VACUUM ANALYZE ledger_entries");
        }
    }

    private static TransferCommand Transfer(TransferCall call) =>
        new(OwnerId.From(call.From), OwnerId.From(call.To), Coins.From(call.Amount), "bench", IdempotencyKey.From(call.Key));

    private static Task<Figure> TransfersAsync(ILedger ledger, string provider, int clients, Options o, ConcurrentBag<TransferCall> record, string tag,
        int warmupSeconds = 1) =>
        MeasureAsync("core_transfer", provider, clients, o.Seconds, warmupSeconds: warmupSeconds, op: async (c, i) =>
        {
            var random = Random.Shared;
            var from = random.Next(1, o.Wallets + 1);
            var to = random.Next(1, o.Wallets);
            to = to >= from ? to + 1 : to;
            var key = o.Keys switch
            {
                "uuid4" => Guid.NewGuid().ToString(),
                "uuid7" => Guid.CreateVersion7().ToString(),
                _ => $"{tag}-{c}-{i}",
            };
            var call = new TransferCall(from, to, 1, key);
            await ledger.TransferAsync(Transfer(call));
            record.Add(call);
        });

    private static Task<Figure> ReplaysAsync(ILedger ledger, string provider, int clients, Options o, TransferCall[] calls, int warmupSeconds = 1) =>
        MeasureAsync("replay", provider, clients, o.Seconds, warmupSeconds: warmupSeconds, op: async (c, i) =>
        {
            var call = calls[(int)((i * clients + c) % calls.Length)];
            var result = await ledger.TransferAsync(Transfer(call));
            if (!result.Replayed)
            {
                throw new InvalidOperationException("a replay wrote");
            }
        });

    /// <summary>Runs <paramref name="op"/> on <paramref name="clients"/> workers for the given seconds (after a 1 s warm-up).</summary>
    private static async Task<Figure> MeasureAsync(string bench, string provider, int clients, int seconds, Func<int, long, Task> op, string note = "",
        int warmupSeconds = 1)
    {
        // Each figure starts from the same pool state: no idle connections left over from the phase before. Npgsql hands
        // idle connections out first in, first out, so one client after eight rotates over eight server processes, and on
        // 2 cores each call then costs about 300 us more than on the one connection it keeps warm (replay 1 client: 340 vs
        // 650 us a call). Without this a figure would measure the previous phase's pool, not its own client count.
        NpgsqlConnection.ClearAllPools();
        using (var warm = new CancellationTokenSource(TimeSpan.FromSeconds(warmupSeconds)))
        {
            await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
            {
                for (long i = 0; !warm.IsCancellationRequested; i++)
                {
                    await op(c + 1000, i);
                }
            })));
        }

        var latencies = new List<long>[clients];
        long errors = 0;
        using var self = Process.GetCurrentProcess();
        var cpuBefore = self.TotalProcessorTime;
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var dbBefore = PostgresCpu();
        var clock = Stopwatch.StartNew();
        var end = TimeSpan.FromSeconds(seconds);
        await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            var mine = latencies[c] = new List<long>(100_000);
            for (long i = 0; clock.Elapsed < end; i++)
            {
                var t = Stopwatch.GetTimestamp();
                try
                {
                    await op(c, i);
                }
                catch (Exception)
                {
                    Interlocked.Increment(ref errors);
                }

                mine.Add(Stopwatch.GetTimestamp() - t);
            }
        })));
        var elapsed = clock.Elapsed.TotalSeconds;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        self.Refresh();
        var cpu = self.TotalProcessorTime - cpuBefore;
        var db = PostgresCpu() - dbBefore;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        double PerOp(double total, int digits) => all.Length == 0 ? 0 : Math.Round(total / all.Length, digits);
        double Ms(double q) => all.Length == 0 ? 0 : all[Math.Min(all.Length - 1, (int)(q * all.Length))] * 1000.0 / Stopwatch.Frequency;
        return new Figure(bench, provider, clients, Math.Round((all.Length - errors) / elapsed, 1), Math.Round(Ms(0.50), 2), Math.Round(Ms(0.99), 2),
            all.Length, errors, note, CpuUsPerOp: PerOp(cpu.TotalMicroseconds, 1), AllocBytesPerOp: PerOp(allocated, 0),
            DbCpuUsPerOp: PerOp(db.TotalMicroseconds, 1));
    }

    /// <summary>The CPU time (user + system) of every process named postgres on this machine, from /proc (zero elsewhere):
    /// the database's side of a figure when the server is local, as on the benchmark machines.</summary>
    internal static TimeSpan PostgresCpu()
    {
        long ticks = 0;
        foreach (var dir in Directory.Exists("/proc") ? Directory.EnumerateDirectories("/proc") : [])
        {
            if (!char.IsAsciiDigit(Path.GetFileName(dir)[0]))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var close = stat.LastIndexOf(')');
                if (close < 0 || !stat.AsSpan(0, close).EndsWith("(postgres", StringComparison.Ordinal))
                {
                    continue;
                }

                var fields = stat[(close + 2)..].Split(' ');
                // utime, stime, and cutime, cstime: the postmaster reaps the backends of closed connections, and their time
                // moves to its children's counters.
                ticks += fields.Skip(11).Take(4).Sum(f => long.Parse(f, CultureInfo.InvariantCulture));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process ended while it was read.
            }
        }

        return TimeSpan.FromSeconds(ticks / 100.0);   // USER_HZ: 100 on Linux
    }

    private sealed class Host(Microsoft.AspNetCore.Builder.WebApplication app, string url) : IAsyncDisposable
    {
        public string Url { get; } = url;

        public Microsoft.AspNetCore.Builder.WebApplication App { get; } = app;

        public async ValueTask DisposeAsync()
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }
    }

    private const string FunctionKey = "bench-function-key-0123456789";

    private static async Task<Host> StartStandaloneAsync(Options o, string pg)
    {
        var app = StandaloneHost.Build(new StandaloneHost.Options(false, null,
        [
            "--urls=http://127.0.0.1:0",
            $"--{StandaloneHost.HostJsonSetting}={Path.Combine(o.RepositoryRoot, "host.json")}",
            $"--{FunctionKeys.FunctionKeysSetting}={FunctionKey}",
            $"--{FunctionKeys.MasterKeySetting}=bench-master-key-0123456789",
            "--Ledger:Provider=postgres",
            $"--ConnectionStrings:Ledger={pg}",
            $"--AzureWebJobsStorage={o.Azurite}",
            "--ReconcileSchedule=0 0 3 * * *",
            "--HoldExpirySchedule=0 * * * * *",
            "--HistoryLinks:Secret=bench-history-link-secret-0123456789abcdef",
            "--Logging:LogLevel:Default=Warning",
        ]));
        await app.StartAsync();
        return new Host(app, app.Urls.First());
    }

    public static async Task<Figure> PayoutProcessorAsync(Options o, string pg, int concurrency)
    {
        var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Ledger:Provider"] = "postgres",
            ["ConnectionStrings:Ledger"] = pg,
            ["HistoryLinks:Secret"] = "bench-history-link-secret-0123456789abcdef",
        }).Build();
        await using var services = Functions.FunctionsComposition.AddFuncLedgerFunctions(
            new ServiceCollection().AddLogging(b => b.SetMinimumLevel(LogLevel.Error)), configuration).BuildServiceProvider();
        var processor = services.GetRequiredService<PayoutProcessor>();
        var batcher = services.GetRequiredService<PayoutWriter>();
        await batcher.StartAsync(CancellationToken.None);
        var run = DateTime.UtcNow.Ticks % 1_000_000_000 * 1_000;
        long next = 0;
        var batchesBefore = batcher.Batches;
        var figure = await MeasureAsync("payout_queue_function", "postgres", concurrency, o.Seconds, async (c, i) =>
        {
            var registration = run + Interlocked.Increment(ref next);
            var outcome = await processor.ProcessAsync($"m{registration}", 1, BinaryData.FromString(string.Create(CultureInfo.InvariantCulture,
                $"{{\"type\":\"participation\",\"registrationId\":{registration},\"ownerId\":{(registration % o.Wallets) + 1},\"amount\":5}}")), default);
            if (outcome != PayoutOutcome.Paid)
            {
                throw new InvalidOperationException(outcome.ToString());
            }
        });
        var batches = batcher.Batches - batchesBefore;
        await batcher.StopAsync(CancellationToken.None);
        return figure with { Note = string.Create(CultureInfo.InvariantCulture,
            $"queue function in-process, {concurrency} concurrent invocations (host.json batchSize + newBatchThreshold), awards batched per transaction (about {(double)next / Math.Max(batches, 1):0.0} per commit)") };
    }

    /// <summary>The payout messages enqueued, and the emulator's drain measured alone at the same depth. Azurite's receive
    /// scans the whole queue, so its rate falls as the queue grows (about 760/s at 300 messages, 160/s at 4,000 and 60/s at
    /// 10,000 on these machines): 2,000 drain to empty in seconds, where 10,000 did not drain in the five minutes allowed.</summary>
    private const int PayoutMessages = 2_000;

    /// <summary>Queue <paramref name="name"/> emptied, then <paramref name="messages"/> messages put in it (<paramref name="body"/>
    /// of each index), 32 at a time.</summary>
    private static async Task<QueueClient> FilledQueueAsync(Options o, string name, int messages, Func<int, string> body)
    {
        var queue = new QueueClient(o.Azurite, name, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        await queue.CreateIfNotExistsAsync();
        await queue.ClearMessagesAsync();
        await Parallel.ForAsync(0, messages, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, ct) =>
            await queue.SendMessageAsync(body(i), ct));
        return queue;
    }

    /// <summary>The emulator's own drain: the listener's receive pattern (QueueListener: one receive loop, batchSize messages at a
    /// time, the next batch once no more than newBatchThreshold are in flight), each message deleted as soon as it arrives and
    /// no work done, from <paramref name="messages"/> deep to empty: the yardstick of the payouts below.</summary>
    public static async Task<Figure> AzuriteDrainAsync(Options o, int messages, int batch, int newBatchThreshold = -1)
    {
        newBatchThreshold = newBatchThreshold < 0 ? batch / 2 : newBatchThreshold;
        var queue = await FilledQueueAsync(o, "bench-drain", messages, _ => "{}");
        var clock = Stopwatch.StartNew();
        long drained = 0;
        var inFlight = new List<Task>();
        while (Interlocked.Read(ref drained) < messages && clock.Elapsed < TimeSpan.FromMinutes(4))
        {
            inFlight.RemoveAll(t => t.IsCompleted);
            if (inFlight.Count > newBatchThreshold)
            {
                await Task.WhenAny(inFlight);
                continue;
            }

            var received = (await queue.ReceiveMessagesAsync(batch, TimeSpan.FromMinutes(1))).Value;
            inFlight.AddRange(received.Select(async m =>
            {
                await queue.DeleteMessageAsync(m.MessageId, m.PopReceipt);
                Interlocked.Increment(ref drained);
            }));
            if (received.Length == 0)
            {
                await Task.WhenAny(Task.WhenAll(inFlight), Task.Delay(20));
            }
        }

        await Task.WhenAll(inFlight);
        var seconds = clock.Elapsed.TotalSeconds;
        await queue.DeleteIfExistsAsync();
        return new Figure("azurite_drain", "azurite", 1, Math.Round(drained / seconds, 1), 0, 0, drained, messages - drained,
            string.Create(CultureInfo.InvariantCulture,
                $"{messages:N0} messages received in the listener's pattern (batches of {batch}, the next at {newBatchThreshold} in flight) and deleted with no work, to empty: the emulator's own rate"));
    }

    /// <summary>Payout award messages through the real path to completion: <paramref name="messages"/> enqueued in Azurite, then
    /// Standalone (its queue listener and the queue function, as host.json sets them) started and timed until every award is
    /// paid, from the moment it is serving.</summary>
    public static async Task<Figure> PayoutsAsync(Options o, string pg, int messages)
    {
        var registrationBase = DateTime.UtcNow.Ticks % 1_000_000_000 * 100;
        var queue = await FilledQueueAsync(o, PayoutQueue.Name, messages, i => string.Create(CultureInfo.InvariantCulture,
            $"{{\"type\":\"participation\",\"registrationId\":{registrationBase + i},\"ownerId\":{(i % o.Wallets) + 1},\"amount\":5}}"));

        await using var connection = new NpgsqlConnection(pg);
        await connection.OpenAsync();
        await using var last = new NpgsqlCommand("SELECT COALESCE(MAX(id), 0) FROM ledger_entries", connection);
        // Progress is counted above the last entry id, an index range: a scan of every entry each 50 ms would load the
        // server the payouts run on.
        var after = (long)(await last.ExecuteScalarAsync())!;
        async Task<long> PaidAsync()
        {
            await using var count = new NpgsqlCommand(string.Create(CultureInfo.InvariantCulture,
                $"SELECT COUNT(*) FROM ledger_entries WHERE id > {after} AND reason = 'participation_award'"), connection);
            return (long)(await count.ExecuteScalarAsync())!;
        }

        long paid;
        double seconds;
        await using (var host = await StartStandaloneAsync(o, pg))
        {
            var clock = Stopwatch.StartNew();
            while ((paid = await PaidAsync()) < messages && clock.Elapsed < TimeSpan.FromMinutes(4))
            {
                await Task.Delay(20);
            }

            seconds = clock.Elapsed.TotalSeconds;
        }

        // Messages left after the time budget would be paid by the next Standalone this run starts (the HTTP benchmark's),
        // taking its CPU: they go, and the figure counts them as errors.
        await queue.ClearMessagesAsync();
        return new Figure("payout_awards", "postgres", 1, Math.Round(paid / seconds, 1), 0, 0, paid, messages - paid, string.Create(
            CultureInfo.InvariantCulture,
            $"{messages:N0} award messages in Azurite paid by Standalone's queue listener and the queue function, to empty, in {seconds:0.0} s"));
    }
}
