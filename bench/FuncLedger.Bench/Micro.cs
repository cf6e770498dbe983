using System.Text.Json;
using BenchmarkDotNet.Attributes;
using FuncLedger.Core.Domain;
using FuncLedger.Functions.Contracts;

namespace FuncLedger.Bench;

/// <summary>The per-request hot path outside the database: validation, fingerprinting, JSON in and out.</summary>
[MemoryDiagnoser]
public class HotPath
{
    private static readonly byte[] TransferBody =
        """{"fromOwnerId":42,"toOwnerId":7,"amount":30,"reason":"gift","meta":{"campaign":"launch"}}"""u8.ToArray();

    private static readonly TransferResponse Response = new(42, 7, 1, 2, 30, 70, 30, 11, 12, "gift-1");

    [Benchmark]
    public string? Validate()
    {
        OwnerId.From(42);
        Coins.From(30);
        LedgerInput.Reason("gift");
        return IdempotencyKey.From("gift-1-abcdefgh").Value;
    }

    [Benchmark]
    public string? ValidateMeta() => LedgerInput.Meta("""{"campaign":"launch","n":1}""");

    [Benchmark]
    public string Fingerprint() => RequestFingerprint.Compute(LedgerOperation.Transfer, 42, 7, 30, "gift", """{"campaign":"launch"}""");

    [Benchmark]
    public TransferRequest? DeserializeRequest() => JsonSerializer.Deserialize(TransferBody, FuncLedgerJson.Default.TransferRequest);

    [Benchmark]
    public byte[] SerializeResponse() => JsonSerializer.SerializeToUtf8Bytes(Response, FuncLedgerJson.Default.TransferResponse);
}
