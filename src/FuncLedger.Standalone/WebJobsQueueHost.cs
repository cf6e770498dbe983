using System.Reflection;
using Azure.Storage.Queues.Models;
using Microsoft.Azure.WebJobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace FuncLedger.Standalone;

/// <summary>
/// SPIKE (issue 15, item 6): the queue trigger served by the WebJobs SDK's own listener (Microsoft.Azure.WebJobs with the
/// Storage Queues extension, what the Functions host runs), instead of <see cref="QueueListener"/>. Chosen with
/// <c>Standalone:QueueListener=webjobs</c>.
/// </summary>
internal static class WebJobsQueueHost
{
    public const string Setting = "Standalone:QueueListener";

    public static void Add(IServiceCollection services, HostJson host, QueueFunction function)
    {
        services.AddSingleton(function);
        services.AddWebJobs(_ => { }).AddAzureStorageQueues(o =>
        {
            o.BatchSize = host.QueueBatchSize;
            o.NewBatchThreshold = host.QueueNewBatchThreshold;
            o.MaxDequeueCount = host.QueueMaxDequeueCount;
            o.MaxPollingInterval = host.QueueMaxPollingInterval;
            o.VisibilityTimeout = host.QueueVisibilityTimeout;
            o.MessageEncoding = host.QueueMessageEncoding;
        });
        services.AddSingleton<ITypeLocator>(new TriggerLocator());
        services.AddSingleton<INameResolver>(new QueueNameResolver(function));
        var jobHostService = Type.GetType("Microsoft.Azure.WebJobs.Hosting.JobHostService, Microsoft.Azure.WebJobs.Host", throwOnError: true)!;
        services.TryAddEnumerable(ServiceDescriptor.Singleton(typeof(IHostedService), jobHostService));
    }

    private sealed class TriggerLocator : ITypeLocator
    {
        public IReadOnlyList<Type> GetTypes() => [typeof(WebJobsQueueTrigger)];
    }

    private sealed class QueueNameResolver(QueueFunction function) : INameResolver
    {
        public string? Resolve(string name) => name switch
        {
            "FuncLedgerQueue" => function.QueueName,
            "FuncLedgerQueueConnection" => function.Connection,
            _ => Environment.GetEnvironmentVariable(name),
        };
    }
}

/// <summary>The WebJobs function the SDK's listener calls: it runs the function app's own queue function, as the
/// worker would, in a scope of the app's container.</summary>
public sealed class WebJobsQueueTrigger(IServiceProvider services, QueueFunction function)
{
    [FunctionName("FuncLedgerQueue")]
    public async Task Run(
        [QueueTrigger("%FuncLedgerQueue%", Connection = "AzureWebJobsStorage")] QueueMessage message, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        await FunctionInvoker.InvokeQueueAsync(scope.ServiceProvider, function, message, cancellationToken);
    }
}
