using MassTransit;
using WakeDock.Contracts.Services;

namespace WakeDock.Containers.Lifecycle;

/// <summary><see cref="WakeService"/> from the bus (the Gateway on a request for a sleeping domain).</summary>
public sealed partial class WakeServiceConsumer(ServiceLifecycle lifecycle, ILogger<WakeServiceConsumer> logger) : IConsumer<WakeService>
{
    public async Task Consume(ConsumeContext<WakeService> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var target = context.Message.ServiceId?.ToString() ?? context.Message.Name;
        if (string.IsNullOrWhiteSpace(target))
        {
            return;
        }

        // The wake is shared with concurrent HTTP wakes; its outcome is published as ServiceStateChanged.
        var result = await lifecycle.WakeAsync(target, context.CancellationToken);
        LogHandled(logger, "wake", target, context.Message.RequestedBy, result.Status.ToString(), result.State);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Bus {Command} of {Target} by {RequestedBy}: {Status}, {State}")]
    internal static partial void LogHandled(ILogger logger, string command, string target, string requestedBy, string status, string? state);
}

/// <summary><see cref="SleepService"/> from the bus (Monitoring's idle timeout, the Gateway).</summary>
public sealed class SleepServiceConsumer(ServiceLifecycle lifecycle, ILogger<SleepServiceConsumer> logger) : IConsumer<SleepService>
{
    public async Task Consume(ConsumeContext<SleepService> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var target = context.Message.ServiceId?.ToString() ?? context.Message.Name;
        if (string.IsNullOrWhiteSpace(target))
        {
            return;
        }

        // Sleeping an already sleeping service is a conflict for the API, a no-op for a command.
        var result = await lifecycle.SleepAsync(target, context.Message.Reason ?? "sleep requested", context.CancellationToken);
        WakeServiceConsumer.LogHandled(logger, "sleep", target, context.Message.RequestedBy, result.Status.ToString(), result.State);
    }
}
