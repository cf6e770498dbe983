using System.Reflection;
using Microsoft.Azure.Functions.Worker;

namespace FuncLedger.Standalone;

/// <summary>An HTTP-triggered function as functions.metadata declares it.</summary>
public sealed record HttpFunction(
    string Name, IReadOnlyList<string> Methods, string Route, AuthorizationLevel AuthLevel, MethodInfo Method);

/// <summary>A queue-triggered function as functions.metadata declares it.</summary>
public sealed record QueueFunction(string Name, string QueueName, string Connection, MethodInfo Method);

/// <summary>A timer-triggered function as functions.metadata declares it (the schedule may name an app setting as %Name%).</summary>
public sealed record TimerFunction(string Name, string Schedule, bool RunOnStartup, MethodInfo Method);

/// <summary>
/// The functions Standalone serves: those of functions.metadata (<see cref="FunctionsMetadata"/>, the file the Functions host
/// reads), each bound to the method its entry point names. One source of truth for routes, methods, auth levels, queue names
/// and schedules: the attributes, as the Worker SDK wrote them out.
/// </summary>
public sealed class FunctionCatalog
{
    private FunctionCatalog(IReadOnlyList<HttpFunction> http, IReadOnlyList<QueueFunction> queues, IReadOnlyList<TimerFunction> timers)
    {
        Http = http;
        Queues = queues;
        Timers = timers;
    }

    public IReadOnlyList<HttpFunction> Http { get; }

    public IReadOnlyList<QueueFunction> Queues { get; }

    public IReadOnlyList<TimerFunction> Timers { get; }

    /// <summary>The catalog of <paramref name="functions"/>, whose entry points are methods of <paramref name="assembly"/>.</summary>
    public static FunctionCatalog From(IReadOnlyList<MetadataFunction> functions, Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(functions);
        ArgumentNullException.ThrowIfNull(assembly);
        var http = new List<HttpFunction>();
        var queues = new List<QueueFunction>();
        var timers = new List<TimerFunction>();
        foreach (var function in functions)
        {
            var method = EntryPoint(assembly, function);
            switch (function.Trigger)
            {
                case { Type: "httpTrigger" } h:
                    string[] methods = [.. (h.Methods is { Count: > 0 } m ? m : ["get", "post"]).Select(x => x.ToLowerInvariant())];
                    var level = Enum.Parse<AuthorizationLevel>(h.AuthLevel ?? nameof(AuthorizationLevel.Function), ignoreCase: true);
                    http.Add(new HttpFunction(function.Name, methods, (h.Route ?? function.Name).Trim('/'), level, method));
                    break;
                case { Type: "queueTrigger" } q:
                    queues.Add(new QueueFunction(function.Name, q.QueueName!, q.Connection ?? HostRules.DefaultConnection, method));
                    break;
                case { Type: "timerTrigger" } t:
                    timers.Add(new TimerFunction(function.Name, t.Schedule!, t.RunOnStartup, method));
                    break;
                default:
                    throw new InvalidOperationException(
                        $"Standalone cannot serve function {function.Name}: its trigger is not HTTP, queue or timer.");
            }
        }

        return new FunctionCatalog(http, queues, timers);
    }

    /// <summary>The method <c>Namespace.Type.Method</c> names.</summary>
    private static MethodInfo EntryPoint(Assembly assembly, MetadataFunction function)
    {
        var dot = function.EntryPoint.LastIndexOf('.');
        var type = dot > 0 ? assembly.GetType(function.EntryPoint[..dot]) : null;
        return type?.GetMethod(function.EntryPoint[(dot + 1)..], BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)
            ?? throw new InvalidOperationException(
                $"functions.metadata names {function.EntryPoint} for {function.Name}, which {assembly.GetName().Name} does not have: "
                + "rebuild.");
    }
}
