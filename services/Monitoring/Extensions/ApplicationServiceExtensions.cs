using WakeDock.Contracts.Lifecycle;
using WakeDock.Monitoring.IntegrationEvents;
using WakeDock.Monitoring.Model;
using WakeDock.ServiceDefaults;
using WakeDock.ServiceDefaults.Caching;
using WakeDock.ServiceDefaults.Data;
using WakeDock.ServiceDefaults.Messaging;
using WakeDock.ServiceDefaults.Security;

namespace WakeDock.Monitoring.Extensions;

public static class ApplicationServiceExtensions
{
    /// <summary>The monitoring service's own wiring: its database, Redis, the bus and its consumers.</summary>
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDataSource(ResourceNames.Database);
        builder.AddRedisClient(ResourceNames.Redis);
        // Tokens from Identity (keys from its JWKS, sessions and API keys from Redis) and role policies.
        builder.AddWakeDockAuthentication();
        builder.AddWakeDockMessaging(ResourceNames.Bus, bus => bus.AddConsumer<ServiceInstanceStartedConsumer>());
        builder.Services.AddSingleton<ServiceInstanceRegistry>();
        // Instances that started before Monitoring announced themselves to no queue: ask again.
        builder.PublishAtStartup(services => new ServiceRollCall(
            services.GetRequiredService<ServiceIdentity>().Name,
            services.GetRequiredService<TimeProvider>().GetUtcNow()));
        return builder;
    }
}
