using StackExchange.Redis;

namespace WakeDock.ServiceDefaults.Caching;

/// <summary>
/// Healthy when the shared multiplexer is connected and answers PING in time. Answers at once
/// while disconnected, so a probe never waits out Redis's connect timeout.
/// </summary>
public sealed class RedisHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!redis.IsConnected)
        {
            return HealthCheckResult.Unhealthy("Not connected to Redis");
        }

        try
        {
            var latency = await redis.GetDatabase().PingAsync().WaitAsync(cancellationToken);
            return HealthCheckResult.Healthy($"PING answered in {latency.TotalMilliseconds:F1} ms");
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("Redis did not answer PING", exception);
        }
    }
}
