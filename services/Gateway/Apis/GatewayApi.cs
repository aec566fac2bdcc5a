using Microsoft.AspNetCore.Http.HttpResults;
using WakeDock.Gateway.Health;

namespace WakeDock.Gateway.Apis;

public static class GatewayApi
{
    public static IEndpointRouteBuilder MapGatewayApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapServiceInfo("gateway");

        endpoints.MapGet("/api/v1/health", GetHealthAsync)
            .WithName("aggregate-health")
            .WithSummary("Health of the Gateway and of every service behind it")
            .WithTags("Health");

        return endpoints;
    }

    /// <summary>200 when everything is healthy or degraded, 503 when anything is unhealthy.</summary>
    private static async Task<JsonHttpResult<AggregateHealth>> GetHealthAsync(
        ServiceHealthAggregator aggregator,
        HttpContext context,
        CancellationToken cancellationToken)
    {
        var health = await aggregator.CheckAsync(cancellationToken);
        context.Response.Headers.CacheControl = "no-store";
        var status = health.Status == "Unhealthy" ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
        return TypedResults.Json(health, statusCode: status);
    }
}
