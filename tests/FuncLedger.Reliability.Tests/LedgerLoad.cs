using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace FuncLedger.Reliability.Tests;

/// <summary>One write a client sent: what it asked for and, once acknowledged, the answer. A posting pays
/// <see cref="Amount"/> from <see cref="From"/> to each of the next <see cref="PostingPayees"/> owners.</summary>
public sealed record Write(string Kind, long From, long To, long Amount, string Key)
{
    public const int PostingPayees = 3;

    public string Path => Kind switch
    {
        "transfer" => "/api/transfers",
        "posting" => "/api/postings",
        _ => $"/api/wallets/{From}/{Kind}",
    };

    public string Body => Kind switch
    {
        "transfer" => string.Create(CultureInfo.InvariantCulture,
            $"{{\"fromOwnerId\":{From},\"toOwnerId\":{To},\"amount\":{Amount},\"reason\":\"load\"}}"),
        "posting" => "{\"legs\":[" + string.Join(",", Effects().Select(e =>
            string.Create(CultureInfo.InvariantCulture, $"{{\"ownerId\":{e.Owner},\"amount\":{e.Delta}}}"))) + "],\"reason\":\"load\"}",
        _ => string.Create(CultureInfo.InvariantCulture, $"{{\"amount\":{Amount},\"reason\":\"load\"}}"),
    };

    /// <summary>The change this write makes to each owner's balance once applied, in the order of its entries' keys.</summary>
    public IEnumerable<(long Owner, long Delta)> Effects() => Kind switch
    {
        "credit" => [(From, Amount)],
        "debit" => [(From, -Amount)],
        "posting" => [(From, -Amount * PostingPayees),
            .. Enumerable.Range(1, PostingPayees).Select(i => (((From - 1 + i) % MixedWorkload.Owners) + 1, Amount))],
        _ => [(From, -Amount), (To, Amount)],
    };

    /// <summary>The keys of the entries this write makes, with each entry's amount.</summary>
    public IEnumerable<(string Key, long Amount)> Entries() => Kind switch
    {
        "transfer" => [(Key + "_debit", -Amount), (Key + "_credit", Amount)],
        "posting" => Effects().Select((e, i) => (string.Create(CultureInfo.InvariantCulture, $"{Key}_leg_{i + 1}"), e.Delta)),
        _ => [(Key, Effects().Single().Delta)],
    };
}

/// <summary>What the load saw, for the invariants and the summary table.</summary>
public sealed class LoadLedger
{
    public ConcurrentDictionary<string, (Write Write, string Body)> Acknowledged { get; } = new();

    public ConcurrentBag<Write> Rejected { get; } = [];

    public ConcurrentBag<int> UnexpectedStatuses { get; } = [];

    public long Sent;
    public long Reads;
    public long Replays;
    public long Conflicts;
    public long Retries;
    public long ServiceUnavailable;
    public long ConnectionErrors;

    /// <summary>Expected balance of every owner: the seed plus every acknowledged write, each once.</summary>
    public Dictionary<long, long> ExpectedBalances()
    {
        var balances = new Dictionary<long, long>();
        foreach (var (write, _) in Acknowledged.Values)
        {
            foreach (var (owner, delta) in write.Effects())
            {
                balances[owner] = balances.GetValueOrDefault(owner) + delta;
            }
        }

        return balances;
    }
}

/// <summary>
/// A client of the HTTP API that never gives up on a write it has not seen acknowledged: on a connection error or a
/// 503 it retries the same request with the same idempotency key, as a careful client does.
/// </summary>
public sealed class LoadClient(HttpClient http, LoadLedger ledger)
{
    public static readonly TimeSpan RetryFor = TimeSpan.FromSeconds(90);

    public async Task<(int Status, string Body, bool Replayed)> SendAsync(string method, string path, string? body, string? key, string? functionKey = StandaloneProcess.FunctionKey)
    {
        var deadline = DateTime.UtcNow + RetryFor;
        for (var attempt = 0; ; attempt++)
        {
            if (attempt > 0)
            {
                Interlocked.Increment(ref ledger.Retries);
                await Task.Delay(Math.Min(50 * attempt, 500));
            }

            try
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), path);
                if (body is not null)
                {
                    request.Content = new StringContent(body, Encoding.UTF8, "application/json");
                }

                if (functionKey is not null)
                {
                    request.Headers.Add("x-functions-key", functionKey);
                }

                if (key is not null)
                {
                    request.Headers.Add("Idempotency-Key", key);
                }

                using var response = await http.SendAsync(request);
                var text = await response.Content.ReadAsStringAsync();
                if (response.StatusCode == HttpStatusCode.ServiceUnavailable && DateTime.UtcNow < deadline)
                {
                    Interlocked.Increment(ref ledger.ServiceUnavailable);
                    continue;
                }

                return ((int)response.StatusCode, text, response.Headers.Contains("Idempotent-Replayed"));
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException && DateTime.UtcNow < deadline)
            {
                Interlocked.Increment(ref ledger.ConnectionErrors);
            }
        }
    }

    /// <summary>Sends a write until it is acknowledged or definitively refused, and records the outcome.</summary>
    public async Task WriteAsync(Write write)
    {
        Interlocked.Increment(ref ledger.Sent);
        var (status, body, _) = await SendAsync("POST", write.Path, write.Body, write.Key);
        switch (status)
        {
            case 200:
                ledger.Acknowledged.TryAdd(write.Key, (write, body));
                break;
            case 409 or 400 or 404 or 422:
                ledger.Rejected.Add(write);
                break;
            default:
                ledger.UnexpectedStatuses.Add(status);
                break;
        }
    }
}

/// <summary>The mixed workload: credits, debits, transfers, multi-leg postings, reads, replays of acknowledged writes (must answer the
/// original body with Idempotent-Replayed) and reused keys with a different amount (must be 422), with hot wallets.</summary>
public static class MixedWorkload
{
    public const int Owners = 40;
    public const int HotOwners = 3;
    public const long SeedCoins = 10_000;

    public static async Task SeedAsync(LoadClient client, string run)
    {
        for (var owner = 1; owner <= Owners; owner++)
        {
            await client.WriteAsync(new Write("credit", owner, 0, SeedCoins, $"{run}-seed-{owner}"));
        }
    }

    public static async Task RunAsync(LoadClient client, LoadLedger ledger, string run, int clientId, int operations, int seed)
    {
        var random = new Random(seed + clientId);
        var mine = new List<Write>();
        long Owner() => random.Next(100) < 30 ? random.Next(1, HotOwners + 1) : random.Next(1, Owners + 1);
        for (var i = 0; i < operations; i++)
        {
            var key = $"{run}-c{clientId}-{i}";
            var roll = random.Next(100);
            if (roll < 10 && mine.Count > 0)
            {
                // A replay of one of this client's acknowledged writes: same request, same key.
                var earlier = mine[random.Next(mine.Count)];
                var (status, body, replayed) = await client.SendAsync("POST", earlier.Path, earlier.Body, earlier.Key);
                Interlocked.Increment(ref ledger.Replays);
                Assert.True(status == 200 && replayed, $"replay of {earlier.Key}: {status}, replayed {replayed}");
                Assert.Equal(ledger.Acknowledged[earlier.Key].Body, body);
                continue;
            }

            if (roll < 15 && mine.Count > 0)
            {
                var earlier = mine[random.Next(mine.Count)];
                var changed = earlier with { Amount = earlier.Amount + 1 };
                var (status, _, _) = await client.SendAsync("POST", changed.Path, changed.Body, changed.Key);
                Interlocked.Increment(ref ledger.Conflicts);
                Assert.True(status == 422, $"reused key {earlier.Key} with another amount: {status}");
                continue;
            }

            if (roll < 25)
            {
                Interlocked.Increment(ref ledger.Reads);
                var path = roll < 20 ? $"/api/wallets/{Owner()}/balance" : $"/api/wallets/{Owner()}/transactions?limit=20";
                var (status, _, _) = await client.SendAsync("GET", path, null, null);
                Assert.Equal(200, status);
                continue;
            }

            var from = Owner();
            var to = Owner();
            var write = roll switch
            {
                < 45 => new Write("credit", from, 0, random.Next(1, 100), key),
                < 65 => new Write("debit", from, 0, random.Next(1, 400), key),
                < 90 => new Write("transfer", from, to == from ? (from % Owners) + 1 : to, random.Next(1, 300), key),
                _ => new Write("posting", from, 0, random.Next(1, 150), key),
            };
            await client.WriteAsync(write);
            if (ledger.Acknowledged.ContainsKey(write.Key))
            {
                mine.Add(write);
            }
        }
    }

    public static JsonElement Json(string body) => JsonDocument.Parse(body).RootElement;
}
