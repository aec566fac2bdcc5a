using WakeDock.Containers.Engine;
using WakeDock.Containers.Lifecycle;
using WakeDock.ServiceDefaults;
using WakeDock.ServiceDefaults.Caching;
using WakeDock.ServiceDefaults.Data;
using WakeDock.ServiceDefaults.Messaging;
using WakeDock.ServiceDefaults.Security;

namespace WakeDock.Containers.Extensions;

public static class ApplicationServiceExtensions
{
    /// <summary>The containers service's wiring: its database, Redis, the bus, authentication, the Docker engine and managed services.</summary>
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDataSource(ResourceNames.Database);
        builder.AddRedisClient(ResourceNames.Redis);
        // Tokens from Identity (keys from its JWKS, sessions and API keys from Redis) and role policies.
        builder.AddWakeDockAuthentication();
        // WakeService / SleepService commands come from the Gateway and Monitoring.
        builder.AddWakeDockMessaging(ResourceNames.Bus, bus =>
        {
            bus.AddConsumer<WakeServiceConsumer>();
            bus.AddConsumer<SleepServiceConsumer>();
        });

        builder.Services.Configure<DockerEngineOptions>(builder.Configuration.GetSection(DockerEngineOptions.Section));
        builder.Services.AddSingleton<IDockerEngine, DockerEngine>();
        builder.Services.AddHostedService<DockerEngineMonitor>();
        builder.Services.AddHealthChecks().AddCheck<DockerEngineHealthCheck>("docker-engine", tags: ["ready", "docker"]);
        builder.Services.AddExceptionHandler<DockerProblemHandler>();

        builder.AddManagedServices();
        builder.AddServiceLifecycle();
        return builder;
    }
}
