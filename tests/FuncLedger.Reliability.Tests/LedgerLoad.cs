using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace FuncLedger.Reliability.Tests;

/// <summary>One write a client sent: what it asked for and, once acknowledged, the answer. A posting pays
/// <see cref="Amount"/> from <see cref="From"/> to each of the next <see cref="PostingPayees"/> owners. A capture or void
/// names its hold in <see cref="Target"/> (a capture moves <see cref="Amount"/> from <see cref="From"/>, the hold's owner,
/// to <see cref="To"/> when set); a reversal names the transaction in <see cref="Target"/> and the write it reverses in
/// <see cref="Of"/>, moving <see cref="Amount"/> back on each of its sides; a posting reversal names the posting in
/// <see cref="Target"/> and reverses every leg of <see cref="Of"/>. Every write carries its key.</summary>
public sealed record Write(string Kind, long From, long To, long Amount, string Key, long Target = 0, Write? Of = null)
{
    public const int PostingPayees = 3;

    /// <summary>Writes a replay of which must answer the original body and another amount under whose key is a conflict (a hold's
    /// or void's answer carries the wallet as it stands; a posting reversal has no amount).</summary>
    public bool Replayable => Kind is "credit" or "debit" or "transfer" or "posting" or "reverse" or "capture";

    public string Path => Kind switch
    {
        "transfer" => "/api/transfers",
        "posting" => "/api/postings",
        "hold" => $"/api/wallets/{From}/holds",
        "capture" or "void" => $"/api/holds/{Target}/{Kind}",
        "reverse" => $"/api/transactions/{Target}/reverse",
        "posting-reverse" => $"/api/postings/{Target}/reverse",
        _ => $"/api/wallets/{From}/{Kind}",
    };

    public string? Body => Kind switch
    {
        "void" => null,
        "posting-reverse" => "{\"reason\":\"load\"}",
        "capture" when To > 0 => string.Create(CultureInfo.InvariantCulture, $"{{\"amount\":{Amount},\"toOwnerId\":{To}}}"),
        "capture" => string.Create(CultureInfo.InvariantCulture, $"{{\"amount\":{Amount}}}"),
        "transfer" => string.Create(CultureInfo.InvariantCulture,
            $"{{\"fromOwnerId\":{From},\"toOwnerId\":{To},\"amount\":{Amount},\"reason\":\"load\"}}"),
        "posting" => "{\"legs\":[" + string.Join(",", Effects().Select(e =>
            string.Create(CultureInfo.InvariantCulture, $"{{\"ownerId\":{e.Owner},\"amount\":{e.Delta}}}"))) + "],\"reason\":\"load\"}",
        _ => string.Create(CultureInfo.InvariantCulture, $"{{\"amount\":{Amount},\"reason\":\"load\"}}"),
    };

    /// <summary>The change this write makes to each owner's balance once applied, in the order of its entries' keys.</summary>
    public IEnumerable<(long Owner, long Delta)> Effects() => Kind switch
    {
        "hold" or "void" => [],
        "capture" when To > 0 => [(From, -Amount), (To, Amount)],
        "capture" => [(From, -Amount)],
        "reverse" => Of!.Effects().Select(e => (e.Owner, -Math.Sign(e.Delta) * Amount)),
        "posting-reverse" => Of!.Effects().Select(e => (e.Owner, -e.Delta)),
        "credit" => [(From, Amount)],
        "debit" => [(From, -Amount)],
        "posting" => [(From, -Amount * PostingPayees),
            .. Enumerable.Range(1, PostingPayees).Select(i => (((From - 1 + i) % MixedWorkload.Owners) + 1, Amount))],
        _ => [(From, -Amount), (To, Amount)],
    };

    /// <summary>The keys of the entries this write makes, with each entry's amount.</summary>
    public IEnumerable<(string Key, long Amount)> Entries() => Kind switch
    {
        "hold" or "void" => [],
        "capture" => Effects().Select((e, i) => (string.Create(CultureInfo.InvariantCulture, $"hold_{Target}_capture") + (i == 0 ? "" : "_credit"),
            e.Delta)),
        "reverse" or "posting-reverse" =>
            Effects().Select((e, i) => (string.Create(CultureInfo.InvariantCulture, $"{Key}_leg_{i + 1}"), e.Delta)),
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
        // A capture or void is keyed like any write: when its first attempt applied and the answer was lost (a killed process), the
        // retry under the same key answers it again.
        var (status, body, _) = await SendAsync("POST", write.Path, write.Body, write.Key);
        switch (status)
        {
            case 200 or 201:
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

/// <summary>The mixed workload: credits, debits, transfers, multi-leg postings, holds, captures (part or whole, to another owner or
/// not), voids, reversals (part or whole) of credits, debits and transfers, reversals of whole postings, retries of voids and
/// posting reversals under their keys, reads, replays of acknowledged writes (must answer the
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
        var holds = new List<(long Id, long Owner, long Amount)>();
        var reversible = new List<(Write Write, long TransactionId)>();
        var postings = new List<(Write Write, long PostingId)>();
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
            to = to == from ? (from % Owners) + 1 : to;
            var write = roll switch
            {
                < 39 => new Write("credit", from, 0, random.Next(1, 100), key),
                < 51 => new Write("debit", from, 0, random.Next(1, 400), key),
                < 69 => new Write("transfer", from, to, random.Next(1, 300), key),
                < 75 => new Write("posting", from, 0, random.Next(1, 150), key),
                < 90 when holds.Count > 0 => HoldWrite(random, holds, roll < 84 ? "capture" : "void", to, key),
                < 90 => new Write("hold", from, 0, random.Next(1, 300), key),
                < 95 when postings.Count > 0 => PostingReverseWrite(random, postings, key),
                _ when reversible.Count > 0 => ReverseWrite(random, reversible, key),
                _ => new Write("hold", from, 0, random.Next(1, 300), key),
            };
            await client.WriteAsync(write);
            if (!ledger.Acknowledged.TryGetValue(write.Key, out var acknowledged))
            {
                continue;
            }

            mine.AddRange(write.Replayable ? [write] : []);
            var answer = Json(acknowledged.Body);
            switch (write.Kind)
            {
                case "hold":
                    holds.Add((answer.GetProperty("holdId").GetInt64(), write.From, write.Amount));
                    break;
                case "credit" or "debit":
                    reversible.Add((write, answer.GetProperty("transactionId").GetInt64()));
                    break;
                case "transfer":
                    reversible.Add((write, answer.GetProperty("debitTransactionId").GetInt64()));
                    break;
                case "posting":
                    postings.Add((write, answer.GetProperty("postingId").GetInt64()));
                    break;
                case "void" or "posting-reverse" when random.Next(2) == 0:
                    // Sent again under its key, as a client that lost the answer does: the first answer, replayed.
                    var (again, _, replayed) = await client.SendAsync("POST", write.Path, write.Body, write.Key);
                    Interlocked.Increment(ref ledger.Replays);
                    Assert.True(again == 200 && replayed, $"retry of {write.Kind} {write.Key}: {again}, replayed {replayed}");
                    break;
            }
        }
    }

    /// <summary>A capture (part or whole, to another owner one time in two) or a void of one of this client's pending holds; the hold
    /// leaves the list whatever the answer, so it is acted on once.</summary>
    private static Write HoldWrite(Random random, List<(long Id, long Owner, long Amount)> holds, string kind, long other, string key)
    {
        var index = random.Next(holds.Count);
        var (id, owner, amount) = holds[index];
        holds.RemoveAt(index);
        var to = random.Next(2) == 0 && other != owner ? other : 0;
        return new Write(kind, owner, kind == "capture" ? to : 0, kind == "capture" ? random.Next(1, (int)amount + 1) : amount, key, id);
    }

    /// <summary>A reversal of every leg of one of this client's postings, once each.</summary>
    private static Write PostingReverseWrite(Random random, List<(Write Write, long PostingId)> postings, string key)
    {
        var index = random.Next(postings.Count);
        var (original, postingId) = postings[index];
        postings.RemoveAt(index);
        return new Write("posting-reverse", original.From, 0, original.Amount, key, postingId, original);
    }

    /// <summary>A reversal of part or all of one of this client's credits, debits or transfers, once each.</summary>
    private static Write ReverseWrite(Random random, List<(Write Write, long TransactionId)> reversible, string key)
    {
        var index = random.Next(reversible.Count);
        var (original, transactionId) = reversible[index];
        reversible.RemoveAt(index);
        return new Write("reverse", original.From, original.To, random.Next(1, (int)original.Amount + 1), key, transactionId, original);
    }

    public static JsonElement Json(string body) => JsonDocument.Parse(body).RootElement;
}
