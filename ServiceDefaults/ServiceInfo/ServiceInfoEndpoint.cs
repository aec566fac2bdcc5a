using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace WakeDock.ServiceDefaults.ServiceInfo;

/// <summary><c>GET /api/v1/{service}/info</c>: which service answered, its version and uptime.</summary>
public static class ServiceInfoEndpoint
{
    public static IEndpointConventionBuilder Map(IEndpointRouteBuilder endpoints, string pathSegment)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrWhiteSpace(pathSegment);

        return endpoints.MapGet($"/api/v1/{pathSegment}/info", GetInfo)
            .WithName($"{pathSegment}-info")
            .WithSummary($"Name, version and uptime of the {pathSegment} service")
            .WithTags("Service info");
    }

    private static Ok<ServiceInfoResponse> GetInfo(ServiceIdentity identity, TimeProvider clock, IHostEnvironment environment)
        => TypedResults.Ok(new ServiceInfoResponse(
            identity.Name,
            identity.Version,
            identity.InstanceId,
            identity.HostName,
            environment.EnvironmentName,
            identity.StartedAt,
            Math.Round(identity.Uptime(clock).TotalSeconds, 1)));
}

public sealed record ServiceInfoResponse(
    string Name,
    string Version,
    string InstanceId,
    string HostName,
    string Environment,
    DateTimeOffset StartedAt,
    double UptimeSeconds);
