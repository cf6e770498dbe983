using System.Reflection;
using Microsoft.Azure.Functions.Worker;

namespace FuncLedger.Standalone;

/// <summary>An HTTP-triggered function as its attributes declare it.</summary>
public sealed record HttpFunction(
    string Name, IReadOnlyList<string> Methods, string Route, AuthorizationLevel AuthLevel, MethodInfo Method);

/// <summary>A queue-triggered function as its attributes declare it.</summary>
public sealed record QueueFunction(string Name, string QueueName, string Connection, MethodInfo Method);

/// <summary>A timer-triggered function as its attributes declare it (the schedule may name an app setting as %Name%).</summary>
public sealed record TimerFunction(string Name, string Schedule, bool RunOnStartup, MethodInfo Method);

/// <summary>
/// The functions of an assembly, read from the same <c>[Function]</c> and trigger attributes the Worker SDK reads to
/// write functions.metadata: one source of truth for routes, methods, auth levels, queue names and schedules.
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

    public static FunctionCatalog FromAssembly(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var http = new List<HttpFunction>();
        var queues = new List<QueueFunction>();
        var timers = new List<TimerFunction>();
        foreach (var type in assembly.GetExportedTypes())
        {
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static))
            {
                var function = method.GetCustomAttribute<FunctionAttribute>();
                if (function is null)
                {
                    continue;
                }

                foreach (var parameter in method.GetParameters())
                {
                    if (parameter.GetCustomAttribute<HttpTriggerAttribute>() is { } h)
                    {
                        var route = h.Route ?? function.Name;
                        string[] methods = [.. (h.Methods ?? ["get", "post"]).Select(m => m.ToLowerInvariant())];
                        http.Add(new HttpFunction(function.Name, methods, route, h.AuthLevel, method));
                    }
                    else if (parameter.GetCustomAttribute<QueueTriggerAttribute>() is { } q)
                    {
                        queues.Add(new QueueFunction(function.Name, q.QueueName, q.Connection ?? "AzureWebJobsStorage", method));
                    }
                    else if (parameter.GetCustomAttribute<TimerTriggerAttribute>() is { } t)
                    {
                        timers.Add(new TimerFunction(function.Name, t.Schedule, t.RunOnStartup, method));
                    }
                }
            }
        }

        return new FunctionCatalog(http, queues, timers);
    }
}
