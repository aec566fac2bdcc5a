using Microsoft.AspNetCore.Http.HttpResults;
using WakeDock.Monitoring.Model;
using WakeDock.ServiceDefaults.Security;

namespace WakeDock.Monitoring.Apis;

public static class MonitoringApi
{
    public static IEndpointRouteBuilder MapMonitoringApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapServiceInfo("monitoring");

        var api = endpoints.MapGroup("/api/v1/monitoring").WithTags("Monitoring");
        api.MapGet("/instances", ListInstancesAsync)
            .WithName("list-service-instances")
            .WithSummary("Service instances that announced themselves on the bus")
            .RequireAuthorization(WakeDockPolicies.Viewer);

        return endpoints;
    }

    private static async Task<Ok<IReadOnlyList<ServiceInstance>>> ListInstancesAsync(ServiceInstanceRegistry registry)
        => TypedResults.Ok(await registry.ListAsync());
}
