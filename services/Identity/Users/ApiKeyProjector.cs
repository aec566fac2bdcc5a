namespace WakeDock.Identity.Users;

/// <summary>
/// At start-up, writes every active API key into Redis again and removes projections of
/// revoked or expired keys and disabled users (Redis may have been flushed or restarted empty,
/// or missed a revocation). In the background with retries, so Identity starts while Redis is down.
/// </summary>
public sealed partial class ApiKeyProjector(IServiceProvider services, TimeProvider time, ILogger<ApiKeyProjector> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = services.CreateAsyncScope();
                var active = await scope.ServiceProvider.GetRequiredService<ApiKeys>().ReprojectAllAsync(stoppingToken);
                LogProjected(logger, active);
                return;
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogRetry(logger, exception, delay.TotalSeconds);
                await Task.Delay(delay, time, stoppingToken);
                delay = TimeSpan.FromSeconds(Math.Min(delay.TotalSeconds * 2, 60));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Projected {Active} active API key(s) into Redis")]
    private static partial void LogProjected(ILogger logger, int active);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not project API keys into Redis yet; retrying in {DelaySeconds} s")]
    private static partial void LogRetry(ILogger logger, Exception exception, double delaySeconds);
}
