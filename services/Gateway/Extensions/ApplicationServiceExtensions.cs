using WakeDock.Gateway.Health;
using WakeDock.Gateway.Routing;
using WakeDock.ServiceDefaults;
using WakeDock.ServiceDefaults.Caching;
using WakeDock.ServiceDefaults.Messaging;
using WakeDock.ServiceDefaults.Security;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.ServiceDiscovery;

namespace WakeDock.Gateway.Extensions;

public static class ApplicationServiceExtensions
{
    /// <summary>
    /// The Gateway's wiring: YARP routes from the <c>ReverseProxy</c> configuration section, with
    /// cluster addresses such as <c>http://identity</c> resolved through service discovery.
    /// </summary>
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddRedisClient(ResourceNames.Redis);
        // Tokens from Identity (keys from its JWKS, sessions and API keys from Redis) and role policies.
        builder.AddWakeDockAuthentication();
        builder.AddWakeDockMessaging(ResourceNames.Bus);

        builder.Services.AddReverseProxy()
            .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"));
        builder.Services.AddSingleton<IDestinationResolver, ServiceDiscoveryDestinationResolver>();

        builder.Services.Configure<BackendServicesOptions>(builder.Configuration.GetSection(BackendServicesOptions.Section));
        // A health probe must answer fast and truthfully: no retries, no circuit breaker.
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is marked experimental; it is the documented way.
        builder.Services.AddHttpClient(ServiceHealthAggregator.HttpClientName).RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        builder.Services.AddSingleton<ServiceHealthAggregator>();
        return builder;
    }
}
