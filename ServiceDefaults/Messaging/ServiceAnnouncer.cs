using MassTransit;
using WakeDock.Contracts.Lifecycle;
using WakeDock.ServiceDefaults.Telemetry;

namespace WakeDock.ServiceDefaults.Messaging;

/// <summary>
/// Publishes <see cref="ServiceInstanceStarted"/> once the service is up. Retries until the broker
/// takes it, so a service that starts before RabbitMQ still announces itself.
/// </summary>
internal sealed partial class ServiceAnnouncer(
    IBus bus,
    ServiceIdentity identity,
    IHostApplicationLifetime lifetime,
    ILogger<ServiceAnnouncer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await WaitForStartedAsync(stoppingToken))
        {
            return;
        }

        var delay = TimeSpan.FromMilliseconds(250);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                using var activity = OpenTelemetryExtensions.ActivitySource.StartActivity("announce service instance");
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(10));
                await bus.Publish(
                    new ServiceInstanceStarted(identity.Name, identity.InstanceId, identity.Version, identity.HostName, identity.StartedAt),
                    timeout.Token);
                LogAnnounced(logger, identity.Name, identity.InstanceId);
                return;
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogAnnounceFailed(logger, exception, delay.TotalSeconds);
                await Task.Delay(delay, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(15).Ticks));
            }
        }
    }

    private async Task<bool> WaitForStartedAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onStarted = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        using var onStopping = stoppingToken.Register(() => started.TrySetCanceled(stoppingToken));
        try
        {
            await started.Task;
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Announced {Service} instance {InstanceId} on the bus")]
    private static partial void LogAnnounced(ILogger logger, string service, string instanceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not announce this instance on the bus yet; retrying in {DelaySeconds} s")]
    private static partial void LogAnnounceFailed(ILogger logger, Exception exception, double delaySeconds);
}
