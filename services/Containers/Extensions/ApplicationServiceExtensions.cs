using WakeDock.ServiceDefaults;
using WakeDock.ServiceDefaults.Caching;
using WakeDock.ServiceDefaults.Data;
using WakeDock.ServiceDefaults.Messaging;

namespace WakeDock.Containers.Extensions;

public static class ApplicationServiceExtensions
{
    /// <summary>The containers service's own wiring: its database, Redis and the bus.</summary>
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDataSource(ResourceNames.Database);
        builder.AddRedisClient(ResourceNames.Redis);
        builder.AddWakeDockMessaging(ResourceNames.Bus);
        return builder;
    }
}
