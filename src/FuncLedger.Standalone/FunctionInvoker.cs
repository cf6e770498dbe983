using System.Reflection;
using Azure.Storage.Queues.Models;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.Azure.Functions.Worker;

namespace FuncLedger.Standalone;

/// <summary>Calls a function method as the worker does: a new instance of its class per invocation from DI,
/// parameters bound by type (trigger payload, CancellationToken) and, for HTTP, route values by name.</summary>
public static class FunctionInvoker
{
    // One compiled constructor call per function class (the worker, too, builds each class's factory once).
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, ObjectFactory> Factories = new();

    public static async Task<object?> InvokeAsync(IServiceProvider services, MethodInfo method, Func<ParameterInfo, object?> bind)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(bind);
        var target = method.IsStatic
            ? null
            : Factories.GetOrAdd(method.DeclaringType!, t => ActivatorUtilities.CreateFactory(t, Type.EmptyTypes))(services, null);
        var arguments = method.GetParameters().Select(bind).ToArray();
        object? result;
        try
        {
            result = method.Invoke(target, arguments);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }

        switch (result)
        {
            case Task task:
                await task;
                var type = task.GetType();
                return type.IsGenericType ? type.GetProperty("Result")!.GetValue(task) : null;
            default:
                return result;
        }
    }

    public static async Task InvokeHttpAsync(HttpContext context, HttpFunction function)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(function);
        var result = await InvokeAsync(context.RequestServices, function.Method, p =>
            p.ParameterType == typeof(HttpRequest) ? context.Request
            : p.ParameterType == typeof(CancellationToken) ? context.RequestAborted
            : p.ParameterType == typeof(string) ? context.Request.RouteValues[p.Name!]?.ToString()
            : throw new InvalidOperationException($"Standalone cannot bind parameter {p.Name} of {function.Name}."));
        switch (result)
        {
            case IActionResult action:
                await action.ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new ActionDescriptor()));
                break;
            case null:
                context.Response.StatusCode = StatusCodes.Status204NoContent;
                break;
            default:
                throw new InvalidOperationException(
                    $"{function.Name} returned {result.GetType().Name}; Standalone writes IActionResult only.");
        }
    }

    public static Task InvokeQueueAsync(
        IServiceProvider services, QueueFunction function, QueueMessage message, CancellationToken cancellationToken) =>
        InvokeAsync(services, function.Method, p =>
            p.ParameterType == typeof(QueueMessage) ? message
            : p.ParameterType == typeof(string) ? message.Body.ToString()
            : p.ParameterType == typeof(BinaryData) ? message.Body
            : p.ParameterType == typeof(CancellationToken) ? cancellationToken
            : throw new InvalidOperationException($"Standalone cannot bind parameter {p.Name} of {function.Name}."));

    public static Task InvokeTimerAsync(
        IServiceProvider services, TimerFunction function, TimerInfo timer, CancellationToken cancellationToken) =>
        InvokeAsync(services, function.Method, p =>
            p.ParameterType == typeof(TimerInfo) ? timer
            : p.ParameterType == typeof(CancellationToken) ? cancellationToken
            : throw new InvalidOperationException($"Standalone cannot bind parameter {p.Name} of {function.Name}."));
}
