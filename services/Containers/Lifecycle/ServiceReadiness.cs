using System.Globalization;
using Docker.DotNet.Models;
using WakeDock.Containers.Services;
using WakeDock.Contracts.Services;

namespace WakeDock.Containers.Lifecycle;

/// <summary>
/// Decides when a started container is Ready: Docker's health status when it has a healthcheck
/// (then the engine's <c>health_status</c> events drive it), else WakeDock's HTTP probe on
/// 127.0.0.1 and the published host port, else running is enough.
/// </summary>
public sealed partial class ServiceReadiness(ServiceStateMachine states, TimeProvider clock, ILogger<ServiceReadiness> logger) : IDisposable
{
    public static readonly TimeSpan StartGrace = TimeSpan.FromSeconds(1);
    private static readonly string[] Settling = [ServiceStates.Waking, ServiceStates.Unhealthy];

    // The probe must not go through a proxy or the resilience pipeline's retries.
    private readonly HttpClient probe = new(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.FromSeconds(5) })
    {
        Timeout = TimeSpan.FromSeconds(2),
    };

    /// <summary>The container of <paramref name="service"/> runs: settle Waking by the right check.</summary>
    public async Task OnRunningAsync(ManagedService service, ContainerInspectResponse container, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(container);
        if (container.State?.Health is { Status: { Length: > 0 } health } && health != "none")
        {
            // Already known (a wake of a container that was running): otherwise the events say.
            if (health == "healthy")
            {
                await states.TryMoveAsync(service.Id, Settling, ServiceStates.Ready, "health check passed", cancellationToken);
            }
            else if (health == "unhealthy")
            {
                await states.TryMoveAsync(service.Id, [ServiceStates.Waking], ServiceStates.Unhealthy, "health check failed", cancellationToken);
            }

            return;
        }

        if (service.HealthCheck is { Type: HealthCheckTypes.Http } check && ProbePort(service, check, container) is { } port)
        {
            _ = Task.Run(() => ProbeAsync(service, check, port), CancellationToken.None);
            return;
        }

        // Without a check, running for a moment is ready: a container that exits at once fails instead (its die event comes first).
        _ = Task.Run(
            async () =>
            {
                await Task.Delay(StartGrace, clock);
                await states.TryMoveAsync(service.Id, [ServiceStates.Waking], ServiceStates.Ready, "container running", CancellationToken.None);
            },
            CancellationToken.None);
    }

    /// <summary>The host port the probe reaches: the check's port itself on the host network, else the one Docker published it on.</summary>
    private static int? ProbePort(ManagedService service, HealthCheckSpec check, ContainerInspectResponse container)
    {
        if (service.HostNetwork)
        {
            return check.Port;
        }

        var key = $"{check.Port?.ToString(CultureInfo.InvariantCulture)}/tcp";
        var published = container.NetworkSettings?.Ports is { } ports && ports.TryGetValue(key, out var bindings) ? bindings : null;
        var hostPort = published?.Select(b => b.HostPort).FirstOrDefault(p => !string.IsNullOrEmpty(p));
        return int.TryParse(hostPort, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : null;
    }

    private async Task ProbeAsync(ManagedService service, HealthCheckSpec check, int port)
    {
        var uri = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}{check.Path ?? "/"}");
        var deadline = clock.GetUtcNow() + TimeSpan.FromSeconds(Math.Max(service.BlockingTimeoutSeconds, 5));
        try
        {
            while (clock.GetUtcNow() < deadline)
            {
                var current = await states.ReadAsync(service.Id, CancellationToken.None);
                if (current?.State != ServiceStates.Waking)
                {
                    return;
                }

                try
                {
                    using var response = await probe.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead);
                    if ((int)response.StatusCode == (check.ExpectedStatus ?? 200))
                    {
                        await states.TryMoveAsync(service.Id, [ServiceStates.Waking], ServiceStates.Ready, $"HTTP probe {uri.AbsolutePath} passed", CancellationToken.None);
                        return;
                    }
                }
                catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
                {
                    // Not listening yet.
                }

                await Task.Delay(TimeSpan.FromMilliseconds(250), clock);
            }

            // The wake's own timeout fails the service; the probe just stops.
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            LogProbeFailed(logger, service.Name, exception.Message);
        }
    }

    public void Dispose() => probe.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Service {Name}: the HTTP probe failed: {Error}")]
    private static partial void LogProbeFailed(ILogger logger, string name, string error);
}
