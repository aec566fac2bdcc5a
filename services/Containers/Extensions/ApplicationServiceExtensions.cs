using WakeDock.ServiceDefaults;
using WakeDock.ServiceDefaults.Caching;
using WakeDock.ServiceDefaults.Data;
using WakeDock.ServiceDefaults.Messaging;
using WakeDock.ServiceDefaults.Security;

namespace WakeDock.Containers.Extensions;

public static class ApplicationServiceExtensions
{
    /// <summary>The containers service's own wiring: its database, Redis and the bus.</summary>
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDataSource(ResourceNames.Database);
        builder.AddRedisClient(ResourceNames.Redis);
        // Tokens from Identity (keys from its JWKS, sessions and API keys from Redis) and role policies.
        builder.AddWakeDockAuthentication();
        builder.AddWakeDockMessaging(ResourceNames.Bus);
        return builder;
    }
}
