using System.Net;
using System.Text.Json;

namespace FuncLedger.Client;

/// <summary>A field the server refused, and why.</summary>
public sealed record ProblemFieldError(string Field, string Message);

/// <summary>
/// An RFC 9457 problem document from FuncLedger: <see cref="Code"/> is its stable code (<c>insufficient_funds</c>,
/// <c>idempotency_conflict</c>, <c>validation</c>, ...). The specific codes a client acts on have their own types.
/// </summary>
public class FuncLedgerProblemException : Exception
{
    public FuncLedgerProblemException(HttpStatusCode status, string code, string? title, string? detail,
        IReadOnlyList<ProblemFieldError> errors, JsonElement problem)
        : base($"{(int)status} {code}: {detail ?? title}")
    {
        Status = status;
        Code = code;
        Title = title;
        Detail = detail;
        Errors = errors;
        Problem = problem;
    }

    public HttpStatusCode Status { get; }

    public string Code { get; }

    public string? Title { get; }

    public string? Detail { get; }

    /// <summary>The refused fields of a <c>validation</c> problem (empty otherwise).</summary>
    public IReadOnlyList<ProblemFieldError> Errors { get; }

    /// <summary>The whole problem document, for members this type does not name.</summary>
    public JsonElement Problem { get; }

    /// <summary>The exception a problem document stands for.</summary>
    public static FuncLedgerProblemException From(HttpStatusCode status, JsonElement problem)
    {
        string? Text(string name) => problem.ValueKind == JsonValueKind.Object && problem.TryGetProperty(name, out var v)
            && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        long Number(string name) => problem.TryGetProperty(name, out var v) && v.TryGetInt64(out var n) ? n : 0;
        var code = Text("code") ?? "http_" + ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture);
        string Member(JsonElement e, string name) => e.TryGetProperty(name, out var v) ? v.GetString() ?? "" : "";
        var errors = problem.ValueKind == JsonValueKind.Object && problem.TryGetProperty("errors", out var list)
            && list.ValueKind == JsonValueKind.Array
            ? [.. list.EnumerateArray().Select(e => new ProblemFieldError(Member(e, "field"), Member(e, "message")))]
            : Array.Empty<ProblemFieldError>();
        var (title, detail) = (Text("title"), Text("detail"));
        return code switch
        {
            "insufficient_funds" => new InsufficientFundsException(status, code, title, detail, errors, problem,
                Number("walletId"), Number("balance"), Number("amount")),
            "idempotency_conflict" => new IdempotencyConflictException(status, code, title, detail, errors, problem),
            "validation" or "invalid_amount" or "malformed_json" or "self_transfer" or "unbalanced_posting" =>
                new FuncLedgerValidationException(status, code, title, detail, errors, problem),
            _ when status == HttpStatusCode.NotFound => new FuncLedgerNotFoundException(status, code, title, detail, errors, problem),
            _ => new FuncLedgerProblemException(status, code, title, detail, errors, problem),
        };
    }
}

/// <summary><c>insufficient_funds</c> (409): the wallet's available coins (<see cref="Balance"/>) were fewer than asked.</summary>
public sealed class InsufficientFundsException(HttpStatusCode status, string code, string? title, string? detail,
    IReadOnlyList<ProblemFieldError> errors, JsonElement problem, long walletId, long balance, long amount)
    : FuncLedgerProblemException(status, code, title, detail, errors, problem)
{
    public long WalletId { get; } = walletId;

    public long Balance { get; } = balance;

    public long Amount { get; } = amount;
}

/// <summary><c>idempotency_conflict</c> (422): the key was used before for a different request.</summary>
public sealed class IdempotencyConflictException(HttpStatusCode status, string code, string? title, string? detail,
    IReadOnlyList<ProblemFieldError> errors, JsonElement problem)
    : FuncLedgerProblemException(status, code, title, detail, errors, problem);

/// <summary>A request the server refused as written (400: <c>validation</c> with its field errors, <c>invalid_amount</c>,
/// <c>self_transfer</c>, ...).</summary>
public sealed class FuncLedgerValidationException(HttpStatusCode status, string code, string? title, string? detail,
    IReadOnlyList<ProblemFieldError> errors, JsonElement problem)
    : FuncLedgerProblemException(status, code, title, detail, errors, problem);

/// <summary>404: <c>wallet_not_found</c>, <c>hold_not_found</c>, <c>transaction_not_found</c>, ...</summary>
public sealed class FuncLedgerNotFoundException(HttpStatusCode status, string code, string? title, string? detail,
    IReadOnlyList<ProblemFieldError> errors, JsonElement problem)
    : FuncLedgerProblemException(status, code, title, detail, errors, problem);
