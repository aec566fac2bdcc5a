using System.Globalization;
using Docker.DotNet;
using Docker.DotNet.Models;
using WakeDock.Containers.Docker.Streams;
using WakeDock.Containers.Engine;
using WakeDock.Containers.Services;
using WakeDock.Contracts.Services;

namespace WakeDock.Containers.Lifecycle;

/// <summary>
/// Drives the state machine from the engine's event stream (containers labelled
/// <c>wakedock.managed=true</c>), not by polling. Resumes from the last event's time after the
/// stream breaks (engine restart), so nothing between is missed; replayed events are harmless
/// because every transition is conditional.
/// </summary>
public sealed partial class ServiceEventWatcher(
    IDockerEngine engine, ServiceStateMachine states, ServiceReadiness readiness, TimeProvider clock, ILogger<ServiceEventWatcher> logger) : BackgroundService
{
    private static readonly string[] Awake = [ServiceStates.Waking, ServiceStates.Ready, ServiceStates.Unhealthy];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var since = EngineTime.FromDateTimeOffset(clock.GetUtcNow());
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var parameters = new ContainerEventsParameters
                {
                    Since = since.ToQuery(),
                    Filters = new Dictionary<string, IDictionary<string, bool>>(StringComparer.Ordinal)
                    {
                        ["type"] = new Dictionary<string, bool>(StringComparer.Ordinal) { ["container"] = true },
                        ["label"] = new Dictionary<string, bool>(StringComparer.Ordinal) { [WakeDockLabels.Managed + "=true"] = true },
                    },
                };
                var events = EngineFeed.ReadAsync<Message>(
                    (progress, token) => engine.RunAsync((docker, inner) => docker.System.MonitorEventsAsync(parameters, progress, inner), token),
                    capacity: 4096, dropOldest: false, stoppingToken);
                await foreach (var message in events)
                {
                    var item = EngineEvent.From(message);
                    since = item.At;
                    await HandleAsync(item, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                LogStreamBroken(logger, exception.Message);
            }

            await Task.Delay(TimeSpan.FromSeconds(1), clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private async Task HandleAsync(EngineEvent item, CancellationToken cancellationToken)
    {
        if (item.Attributes is null || !item.Attributes.TryGetValue(WakeDockLabels.ServiceId, out var idText)
            || !Guid.TryParse(idText, out var serviceId) || item.Id is null)
        {
            return;
        }

        try
        {
            var service = await states.ReadAsync(serviceId, cancellationToken);
            var container = await InspectAsync(item.Id, cancellationToken);
            // Events of a container a redeploy replaced say nothing about the service now.
            if (service is null || container is null || container.Name?.TrimStart('/') != ContainerSpec.ContainerName(service.Name))
            {
                return;
            }

            // A stop of the previous run seen after the next wake began (a restart) says nothing about the new run.
            var stale = item.Time < states.EnteredAt(serviceId);
            switch (item.Action)
            {
                case "start" or "unpause":
                    // Started behind WakeDock's back (docker start, a restart policy): it is waking.
                    await states.TryMoveAsync(serviceId, [ServiceStates.Sleeping, ServiceStates.Failed], ServiceStates.Waking, "container started", cancellationToken);
                    if (container.State is { Running: true, Paused: false })
                    {
                        await readiness.OnRunningAsync(service, container, cancellationToken);
                    }

                    break;
                case var action when action.StartsWith("health_status", StringComparison.Ordinal):
                    if (action.EndsWith("unhealthy", StringComparison.Ordinal))
                    {
                        await states.TryMoveAsync(serviceId, [ServiceStates.Waking, ServiceStates.Ready], ServiceStates.Unhealthy, "health check failed", cancellationToken);
                    }
                    else if (action.EndsWith("healthy", StringComparison.Ordinal))
                    {
                        await states.TryMoveAsync(serviceId, [ServiceStates.Waking, ServiceStates.Unhealthy], ServiceStates.Ready, "health check passed", cancellationToken);
                    }

                    break;
                case "die" when !stale:
                    await OnDiedAsync(service, item, cancellationToken);
                    break;
                case "stop" or "pause" when !stale:
                    await states.TryMoveAsync(serviceId, [ServiceStates.Stopping, ServiceStates.Ready, ServiceStates.Unhealthy], ServiceStates.Sleeping,
                        item.Action == "pause" ? "container paused" : "container stopped", cancellationToken);
                    break;
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogHandleFailed(logger, item.Action, idText, exception.Message);
        }
    }

    private async Task OnDiedAsync(ManagedService service, EngineEvent item, CancellationToken cancellationToken)
    {
        string? code = null;
        item.Attributes?.TryGetValue("exitCode", out code);
        if (service.State == ServiceStates.Stopping)
        {
            await states.TryMoveAsync(service.Id, [ServiceStates.Stopping], ServiceStates.Sleeping, "container stopped", cancellationToken);
            return;
        }

        // A waking container that exits failed to start; a running one stopped by a signal or with 0 was stopped outside WakeDock.
        var stopped = service.State != ServiceStates.Waking && code is "0" or "137" or "143";
        await states.TryMoveAsync(service.Id, Awake, stopped ? ServiceStates.Sleeping : ServiceStates.Failed,
            string.Create(CultureInfo.InvariantCulture, $"container exited with code {code ?? "unknown"}"), cancellationToken);
    }

    private async Task<ContainerInspectResponse?> InspectAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            return await engine.RunAsync((docker, token) => docker.Containers.InspectContainerAsync(id, token), cancellationToken);
        }
        catch (DockerContainerNotFoundException)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The engine's event stream broke ({Error}); resuming")]
    private static partial void LogStreamBroken(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not handle the engine event {Action} of service {ServiceId}: {Error}")]
    private static partial void LogHandleFailed(ILogger logger, string action, string serviceId, string error);
}
