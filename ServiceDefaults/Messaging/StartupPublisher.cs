using MassTransit;
using WakeDock.ServiceDefaults.Telemetry;

namespace WakeDock.ServiceDefaults.Messaging;

/// <summary>A message a service publishes once it has started (see <see cref="StartupPublisher"/>).</summary>
public sealed record StartupMessage(Func<IServiceProvider, object> Create);

/// <summary>
/// Publishes every registered <see cref="StartupMessage"/> once the service is up, retrying until
/// the broker takes it, so a service that starts before RabbitMQ still gets its messages out.
/// </summary>
internal sealed partial class StartupPublisher(
    IServiceProvider services,
    IEnumerable<StartupMessage> messages,
    IHostApplicationLifetime lifetime,
    ILogger<StartupPublisher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await WaitForStartedAsync(stoppingToken) || !await WaitForBusAsync(stoppingToken))
        {
            return;
        }

        foreach (var message in messages)
        {
            await PublishWithRetriesAsync(message.Create(services), stoppingToken);
        }
    }

    private async Task PublishWithRetriesAsync(object message, CancellationToken stoppingToken)
    {
        var name = message.GetType().Name;
        var delay = TimeSpan.FromMilliseconds(250);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                using var activity = OpenTelemetryExtensions.ActivitySource.StartActivity($"publish {name} at start-up");
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(10));
                await services.GetRequiredService<IBus>().Publish(message, message.GetType(), timeout.Token);
                LogPublished(logger, name);
                return;
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogPublishFailed(logger, exception, name, delay.TotalSeconds);
                await Task.Delay(delay, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(15).Ticks));
            }
        }
    }

    /// <summary>
    /// Waits until this service's receive endpoints are bound. Publishing only then is what makes
    /// announcements and roll calls meet whatever order services start in.
    /// </summary>
    private async Task<bool> WaitForBusAsync(CancellationToken stoppingToken)
    {
        var bus = services.GetRequiredService<IBusControl>();
        try
        {
            while (await bus.WaitForHealthStatus(BusHealthStatus.Healthy, TimeSpan.FromSeconds(30)) != BusHealthStatus.Healthy)
            {
                LogBusNotReady(logger);
                stoppingToken.ThrowIfCancellationRequested();
            }

            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "The bus is not ready after 30 s; still waiting to publish start-up messages")]
    private static partial void LogBusNotReady(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Published {Message} on the bus")]
    private static partial void LogPublished(ILogger logger, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not publish {Message} on the bus yet; retrying in {DelaySeconds} s")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, string message, double delaySeconds);
}
