using System.Globalization;
using System.Text;

namespace FuncLedger.Reliability.Tests;

/// <summary>Generated malicious and malformed requests: every one must get a 4xx problem document and change nothing.</summary>
public static class BadInput
{
    public sealed record Request(string Method, string Path, string? Body, string? Key, string? FunctionKey, string ContentType = "application/json")
    {
        public HttpRequestMessage ToMessage()
        {
            var message = new HttpRequestMessage(new HttpMethod(Method), Path);
            if (Body is not null)
            {
                message.Content = new StringContent(Body, Encoding.UTF8);
                message.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(ContentType);
            }

            if (FunctionKey is not null)
            {
                message.Headers.TryAddWithoutValidation("x-functions-key", FunctionKey);
            }

            if (Key is not null)
            {
                message.Headers.TryAddWithoutValidation("Idempotency-Key", Key);
            }

            return message;
        }

        public override string ToString() => $"{Method} {Path} key={Key?[..Math.Min(Key.Length, 20)]} body={Body?[..Math.Min(Body.Length, 80)]}";
    }

    private static readonly string[] Amounts =
    [
        "0", "-1", "-9223372036854775808", "9223372036854775807", "1.5", "1e3", "\"10\"", "null", "true", "[]", "{}",
        "1000000000001", "99999999999999999999999999", "-0.0", "NaN",
    ];

    private static readonly string[] Strings =
    [
        "", " ", "\\u0000", "a\\u0007b", "'; DROP TABLE wallets; --", new string('r', 10_000), "\\u001b[31m", "\\r\\n", "\\u007f",
    ];

    private static readonly string[] Owners = ["0", "-1", "abc", "1;DROP TABLE wallets", "99999999999999999999", "1.5", "%27%20OR%201%3D1", "0x10"];

    public static List<Request> Generate(Random random, int count)
    {
        var key = StandaloneProcess.FunctionKey;
        var list = new List<Request>(count);
        string Pick(string[] values) => values[random.Next(values.Length)];
        while (list.Count < count)
        {
            list.Add(random.Next(16) switch
            {
                // Amounts that are never valid, with an otherwise fine body.
                0 => new Request("POST", "/api/wallets/1/credit", $"{{\"amount\":{Pick(Amounts)},\"reason\":\"bad\"}}", null, key),
                1 => new Request("POST", "/api/wallets/1/debit", $"{{\"amount\":{Pick(Amounts)},\"reason\":\"bad\"}}", null, key),
                2 => new Request("POST", "/api/transfers", $"{{\"fromOwnerId\":1,\"toOwnerId\":2,\"amount\":{Pick(Amounts)},\"reason\":\"bad\"}}", null, key),
                // Reasons that are never valid (empty, control characters, too long).
                3 => new Request("POST", "/api/wallets/1/credit", $"{{\"amount\":5,\"reason\":\"{Pick(Strings[..4].Concat(Strings[5..]).ToArray())}\"}}", null, key),
                // Broken JSON and wrong shapes.
                4 => new Request("POST", "/api/wallets/1/credit", Truncate("{\"amount\":5,\"reason\":\"x\"}", random), null, key),
                5 => new Request("POST", "/api/transfers", "{\"fromOwnerId\":\"1\",\"toOwnerId\":2,\"amount\":5,\"reason\":\"x\"}", null, key),
                6 => new Request("POST", "/api/transfers", "{\"toOwnerId\":2,\"amount\":5}", null, key),
                7 => new Request("POST", "/api/wallets/1/credit", "{\"amount\":5,\"reason\":\"x\",\"" + Pick(["admin", "walletId", "balance", "__proto__"]) + "\":1}", null, key),
                // Bodies too large, and not JSON by content type.
                8 => new Request("POST", "/api/wallets/1/credit", "{\"amount\":5,\"reason\":\"" + new string('x', random.Next(2) == 0 ? 20_000 : 1_048_576) + "\"}", null, key),
                9 => new Request("POST", "/api/wallets/1/credit", "amount=5&reason=x", null, key, "application/x-www-form-urlencoded"),
                // Keys that are never valid (too long, spaces, control characters, SQL).
                10 => new Request("POST", "/api/wallets/1/credit", "{\"amount\":5,\"reason\":\"x\"}",
                    Pick([new string('k', 10_000), "has space", "x'; DROP TABLE wallets; --", "tab\there", new string('k', 121)]), key),
                // Owner ids in paths that are not positive integers.
                11 => new Request(random.Next(2) == 0 ? "GET" : "POST", $"/api/wallets/{Pick(Owners)}/{Pick(["balance", "transactions", "credit", "debit"])}",
                    "{\"amount\":5,\"reason\":\"x\"}", null, key),
                // Unknown routes and methods.
                12 => new Request(Pick(["GET", "PUT", "DELETE", "PATCH"]), Pick(["/api/transfers", "/api/wallets/1/credit", "/api/nope", "/api/wallets", "/api/ops/reconcile", "/admin"]), null, null, key),
                // Missing, wrong or lower-level keys.
                13 => new Request("POST", "/api/wallets/1/credit", "{\"amount\":5,\"reason\":\"x\"}", null, Pick(["", "wrong-key-wrong-key", key + "x", key.ToUpperInvariant()])),
                14 => new Request("POST", "/api/ops/reconcile?dryRun=false", null, null, random.Next(2) == 0 ? key : null),
                // Bad paging and flags.
                _ => new Request(random.Next(2) == 0 ? "GET" : "POST",
                    random.Next(2) == 0 ? $"/api/wallets/1/transactions?limit={Pick(["0", "-1", "201", "x", "99999999999"])}" : $"/api/wallets/1/transactions?offset={Pick(["-1", "1000001", "x"])}",
                    null, null, key),
            });
        }

        // A POST to transactions is a wrong method; every other case is bad by content. None may succeed.
        return list;
    }

    private static string Truncate(string json, Random random) => json[..random.Next(1, json.Length - 1)];
}
