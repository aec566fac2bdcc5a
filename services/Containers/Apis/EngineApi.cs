using WakeDock.Containers.Docker.EngineSystem;
using WakeDock.ServiceDefaults.Security;

namespace WakeDock.Containers.Apis;

public static class EngineApi
{
    /// <summary><c>/api/v1/engine</c>: the Docker engine itself (viewer role).</summary>
    public static IEndpointRouteBuilder MapEngineEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var engine = endpoints.MapGroup("/api/v1/engine").WithTags("Engine").RequireAuthorization(WakeDockPolicies.Viewer)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        engine.MapGet("/info", EngineEndpoints.InfoAsync).WithName("GetEngineInfo")
            .WithSummary("The engine's host, resources, drivers, container and image counts, warnings, and the endpoint WakeDock uses");
        engine.MapGet("/version", EngineEndpoints.VersionAsync).WithName("GetEngineVersion")
            .WithSummary("Engine, API and component versions, and the API version WakeDock speaks");
        engine.MapGet("/df", EngineEndpoints.DiskUsageAsync).WithName("GetEngineDiskUsage")
            .WithSummary("Disk usage of images, containers, volumes and build cache: sizes, reclaimable bytes and items");
        return endpoints;
    }
}
