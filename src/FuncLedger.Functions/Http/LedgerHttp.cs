using FuncLedger.Functions.Contracts;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace FuncLedger.Functions.Http;

/// <summary>
/// What every HTTP function runs through: the operation, and on any failure the one mapping to RFC 9457 problem details
/// (<see cref="HttpErrors"/>); the in-flight claim of an idempotency key. Functions stay thin: bind
/// (<see cref="HttpInput"/>), call one core operation, map.
/// </summary>
public sealed class LedgerHttp(InFlightKeys inFlight, HttpErrors errors)
{
    public const string ProblemContentType = "application/problem+json; charset=utf-8";

    /// <summary>Runs <paramref name="operation"/>; every failure becomes a problem response, never a stack trace.</summary>
    public async Task<IActionResult> HandleAsync(
        HttpRequest request, Func<Task<IActionResult>> operation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(operation);
        try
        {
            return await operation();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            return errors.Map(e, HttpProblems.InstanceOf(request.HttpContext));
        }
    }

    /// <summary>Claims the key for the request's lifetime, or fails with 409 while another request holds it.</summary>
    public IDisposable ClaimKey(string? key) =>
        inFlight.TryClaim(key) ?? throw new HttpProblemException(ProblemCodes.IdempotencyInFlight,
            "A request with this idempotency key is still being processed. Retry after it completes to get its result.");

    /// <summary>A problem document as a response.</summary>
    public static JsonResponse<Problem> Respond(Problem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return new(problem.Status, problem, FuncLedgerJson.Default.Problem, ProblemContentType);
    }
}
