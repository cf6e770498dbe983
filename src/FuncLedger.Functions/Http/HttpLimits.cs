namespace FuncLedger.Functions.Http;

/// <summary>Bounds of the HTTP adapter.</summary>
public static class HttpLimits
{
    /// <summary>The largest request body read, in bytes; larger bodies get 413.</summary>
    public const int RequestBodyBytesMax = 16 * 1024;

    /// <summary>The largest body of <c>POST postings</c>: 1,000 legs of the longest owner ids and amounts fit.</summary>
    public const int PostingBodyBytesMax = 128 * 1024;

    /// <summary>Seconds a client is told to wait (Retry-After) when the ledger is busy or a key is in flight.</summary>
    public const int RetryAfterSeconds = 1;
}

/// <summary>The HTTP header names of the idempotency contract.</summary>
public static class IdempotencyHeaders
{
    public const string Key = "Idempotency-Key";
    public const string Replayed = "Idempotent-Replayed";
}
