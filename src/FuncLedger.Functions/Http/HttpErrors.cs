using System.Globalization;
using FuncLedger.Core.Domain;
using FuncLedger.Functions.Contracts;
using Microsoft.Extensions.Logging;

namespace FuncLedger.Functions.Http;

/// <summary>
/// The one mapping from an exception to an HTTP problem (status, stable code, Retry-After) for every function: the ledger's
/// typed errors, the adapter's own refusals, an unreachable or busy database (503, retry with the same key) and anything
/// else (500, nothing internal in the body or the log).
/// </summary>
public sealed partial class HttpErrors(ILogger<HttpErrors> logger)
{
    private static readonly string RetryAfter = HttpLimits.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);

    /// <summary>True when the failure means the ledger's database is busy or unreachable (503, and unhealthy).</summary>
    public static bool IsUnavailable(Exception exception) => exception is LedgerUnavailableException;

    /// <summary>A wait as Retry-After's whole seconds, rounded up.</summary>
    private static string Seconds(TimeSpan wait) => ((long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    public JsonResponse<Problem> Map(Exception exception, string instance)
    {
        ArgumentNullException.ThrowIfNull(exception);
        switch (exception)
        {
            case LedgerException e:
                var answer = LedgerHttp.Respond(FromLedger(e, instance));
                if (e is InsufficientFundsException { Replayed: true })
                {
                    // The kept first answer under this key, given again (the ledger stores keyed refusals).
                    answer.Headers[IdempotencyHeaders.Replayed] = "true";
                }

                if (e is Core.Commerce.TooManyAttemptsException limited)
                {
                    // The oldest failed attempt of the window leaves it then.
                    answer.Headers["Retry-After"] = Seconds(limited.RetryAfter);
                }

                return answer;
            case HttpProblemException e:
                var refused = LedgerHttp.Respond(HttpProblems.Create(e.Code, e.Message, instance, e.Errors));
                if (e.Code is ProblemCodes.IdempotencyInFlight)
                {
                    refused.Headers["Retry-After"] = RetryAfter;
                }

                return refused;
            case var e when IsUnavailable(e):
                // Retries exhausted, or the database unreachable mid-request (the outcome may be unknown): the client
                // retries with the same idempotency key, which applies the operation at most once.
                LogBusy(logger, instance, e.InnerException?.GetType().Name ?? e.GetType().Name);
                var busy = LedgerHttp.Respond(HttpProblems.Create(ProblemCodes.ServiceUnavailable,
                    "The ledger is busy. Retry the same request with the same idempotency key.", instance));
                // The database's own wait when it named one (an Azure SQL resume, throttling), else a second.
                busy.Headers["Retry-After"] = e is LedgerUnavailableException { RetryAfter: { } wait } ? Seconds(wait) : RetryAfter;
                return busy;
            default:
                // The exception's text can quote data (a duplicate key value, a path): log its type and SQL state only.
                var type = exception.GetType().Name;
                LogFailed(logger, instance, exception is System.Data.Common.DbException db ? $"{type} {db.SqlState}" : type);
                return LedgerHttp.Respond(HttpProblems.Create(ProblemCodes.InternalError,
                    "The request failed; nothing was written unless a retry with the same idempotency key replays it.", instance));
        }
    }

    /// <summary>A typed ledger error's problem; the detail is the ledger's own message, written for clients.</summary>
    private static Problem FromLedger(LedgerException e, string instance) => e switch
    {
        LedgerValidationException v => HttpProblems.Create(v.Code, "One or more fields are not valid.", instance,
            [.. v.Errors.Select(f => new ProblemFieldError(f.Field, f.Message))]),
        InsufficientFundsException f => HttpProblems.Create(f.Code, string.Create(CultureInfo.InvariantCulture,
            $"Wallet {f.WalletId} holds {f.Balance} coins; {f.Amount} were requested."), instance)
            with { WalletId = f.WalletId, Balance = f.Balance, Amount = f.Amount },
        _ => HttpProblems.Create(e.Code, e.Message, instance),
    };

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning,
        Message = "Request {Instance} gave up on a busy or unreachable database ({ErrorType})")]
    private static partial void LogBusy(ILogger logger, string instance, string errorType);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Error, Message = "Request {Instance} failed ({ErrorType})")]
    private static partial void LogFailed(ILogger logger, string instance, string errorType);
}
