using StackExchange.Redis;

namespace WakeDock.ServiceDefaults.Caching;

/// <summary>Redis the way Aspire.StackExchange.Redis gives it: one shared multiplexer and a health check.</summary>
public static class RedisExtensions
{
    public static IHostApplicationBuilder AddRedisClient(this IHostApplicationBuilder builder, string connectionName)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var settings = ClientSettings.Read(builder.Configuration, "StackExchange:Redis", connectionName);

        var options = ConfigurationOptions.Parse(settings.ConnectionString!);
        // Start even when Redis is down: the health check says so and the client reconnects by itself.
        options.AbortOnConnectFail = false;
        options.ClientName ??= builder.Configuration["OTEL_SERVICE_NAME"] ?? builder.Environment.ApplicationName;

        builder.Services.AddSingleton<IConnectionMultiplexer>(services =>
        {
            var writer = new LoggerTextWriter(services.GetRequiredService<ILoggerFactory>().CreateLogger("StackExchange.Redis"));
            return ConnectionMultiplexer.Connect(options, writer);
        });
        // Connect at start-up, not inside the first request or health probe that needs Redis.
        builder.Services.AddHostedService<RedisConnector>();

        if (!settings.DisableHealthChecks)
        {
            builder.Services.AddHealthChecks().AddCheck<RedisHealthCheck>(
                $"redis:{connectionName}",
                tags: ["ready", "redis"],
                timeout: TimeSpan.FromSeconds(5));
        }

        return builder;
    }

    private sealed class RedisConnector(IConnectionMultiplexer redis) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.FromResult(redis.IsConnected);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>Sends the multiplexer's connection log to ILogger at debug level, never to stdout.</summary>
    private sealed class LoggerTextWriter(ILogger logger) : TextWriter
    {
        public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;

        public override void WriteLine(string? value)
        {
            if (value is not null)
            {
                logger.LogDebug("{RedisConnectionLog}", value);
            }
        }
    }
}
