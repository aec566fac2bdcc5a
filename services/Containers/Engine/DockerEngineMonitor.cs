using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace WakeDock.Containers.Engine;

/// <summary>
/// Pings the engine: often while it is unreachable (so WakeDock reconnects by itself when it
/// comes back), rarely while it answers.
/// </summary>
public sealed class DockerEngineMonitor(IDockerEngine engine, IOptions<DockerEngineOptions> options) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var status = await engine.CheckAsync(stoppingToken);
            var delay = status.Available ? options.Value.HealthInterval : options.Value.ReconnectInterval;
            await Task.Delay(delay, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }
}

/// <summary>Readiness includes the engine: unhealthy while it cannot be reached.</summary>
public sealed class DockerEngineHealthCheck(IDockerEngine engine) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = await engine.CheckAsync(cancellationToken);
        return status.Available
            ? HealthCheckResult.Healthy($"Engine {status.Version} (API {status.ApiVersion}) at {status.Endpoint}")
            : HealthCheckResult.Unhealthy($"The Docker engine at {status.Endpoint} is unreachable: {status.LastError}");
    }
}
