using MassTransit;
using WakeDock.Contracts.Lifecycle;

namespace WakeDock.ServiceDefaults.Messaging;

/// <summary>Answers a roll call by announcing this instance again.</summary>
public sealed class ServiceRollCallConsumer(ServiceIdentity identity) : IConsumer<ServiceRollCall>
{
    public Task Consume(ConsumeContext<ServiceRollCall> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Publish(identity.ToStartedMessage(), context.CancellationToken);
    }
}
