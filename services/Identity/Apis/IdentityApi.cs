namespace WakeDock.Identity.Apis;

public static class IdentityApi
{
    public static IEndpointRouteBuilder MapIdentityApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapServiceInfo("identity");
        return endpoints;
    }
}
