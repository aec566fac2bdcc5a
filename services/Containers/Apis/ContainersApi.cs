namespace WakeDock.Containers.Apis;

public static class ContainersApi
{
    public static IEndpointRouteBuilder MapContainersApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapServiceInfo("containers");
        return endpoints;
    }
}
