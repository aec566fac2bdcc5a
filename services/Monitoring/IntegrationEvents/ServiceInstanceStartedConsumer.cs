using System.Diagnostics;
using MassTransit;
using WakeDock.Contracts.Lifecycle;
using WakeDock.Monitoring.Model;

namespace WakeDock.Monitoring.IntegrationEvents;

/// <summary>Records every service instance that announces itself.</summary>
public sealed class ServiceInstanceStartedConsumer(ServiceInstanceRegistry registry, TimeProvider clock)
    : IConsumer<ServiceInstanceStarted>
{
    public Task Consume(ConsumeContext<ServiceInstanceStarted> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var message = context.Message;
        return registry.RecordAsync(new ServiceInstance(
            message.Service,
            message.InstanceId,
            message.Version,
            message.HostName,
            message.StartedAt,
            clock.GetUtcNow(),
            Activity.Current?.TraceId.ToString()));
    }
}
