namespace WakeDock.Identity.Apis;

public static class IdentityApi
{
    public static IEndpointRouteBuilder MapIdentityApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapServiceInfo("identity");
        endpoints.MapTokenApi();
        endpoints.MapUserApi();
        endpoints.MapSignInApi();
        return endpoints;
    }
}
