using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Timeout;

namespace FuncLedger.Client;

/// <summary>Where the API is and how hard to try.</summary>
public sealed class FuncLedgerClientOptions
{
    /// <summary>The API's base address, e.g. <c>https://func-funcledger.azurewebsites.net/api/</c>.</summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>A function key (sent as <c>x-functions-key</c>).</summary>
    public string? FunctionKey { get; set; }

    /// <summary>Retries after the first attempt, with exponential backoff and jitter (or the server's Retry-After).</summary>
    public int RetryAttempts { get; set; } = 6;

    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How long one attempt may take before it counts as a network failure and is retried.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);
}

public static class FuncLedgerClientRegistration
{
    /// <summary>Registers <see cref="FuncLedgerClient"/> as a typed HttpClient with its resilience pipeline: each attempt
    /// bounded by <see cref="FuncLedgerClientOptions.AttemptTimeout"/>, and retried (same request, same idempotency key)
    /// on 503, 408, 429 (unless its Retry-After is over <see cref="RetryAfterMax"/>), a 409 that carries Retry-After
    /// (<c>idempotency_in_flight</c>), a network error or a timed-out attempt.</summary>
    public static IHttpClientBuilder AddFuncLedgerClient(this IServiceCollection services, Action<FuncLedgerClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var options = new FuncLedgerClientOptions();
        configure(options);
        var baseAddress = options.BaseAddress
            ?? throw new ArgumentException("Set BaseAddress (the API's /api/ address).", nameof(configure));
        if (!baseAddress.AbsoluteUri.EndsWith('/'))
        {
            baseAddress = new Uri(baseAddress.AbsoluteUri + "/");
        }

        var builder = services.AddHttpClient<FuncLedgerClient>(http =>
        {
            http.BaseAddress = baseAddress;
            // The pipeline bounds each attempt; HttpClient's own timeout bounds the whole call.
            http.Timeout = Timeout.InfiniteTimeSpan;
            if (options.FunctionKey is { Length: > 0 } key)
            {
                http.DefaultRequestHeaders.Add("x-functions-key", key);
            }
        });
        builder.AddResilienceHandler("funcledger", pipeline =>
        {
            pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = Math.Max(options.RetryAttempts, 1),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryDelay,
                ShouldRetryAfterHeader = true,
                ShouldHandle = args => ValueTask.FromResult(options.RetryAttempts > 0 && IsTransient(args.Outcome)),
            });
            pipeline.AddTimeout(options.AttemptTimeout);
        });
        return builder;
    }

    /// <summary>The longest Retry-After the client waits out by itself: a 429 that asks for longer (promo codes'
    /// <c>too_many_attempts</c>, up to an hour) is the caller's to handle, not a retry's.</summary>
    public static readonly TimeSpan RetryAfterMax = TimeSpan.FromSeconds(60);

    /// <summary>What a retry with the same key may fix.</summary>
    public static bool IsTransient(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException or TimeoutRejectedException } => true,
        { Result: { } response } => response.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.RequestTimeout
            || (response.StatusCode == HttpStatusCode.TooManyRequests
                && (response.Headers.RetryAfter?.Delta ?? TimeSpan.Zero) <= RetryAfterMax)
            || (response.StatusCode == HttpStatusCode.Conflict && response.Headers.RetryAfter is not null),
        _ => false,
    };
}
