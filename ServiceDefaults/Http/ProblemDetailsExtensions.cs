using System.Diagnostics;

namespace WakeDock.ServiceDefaults.Http;

/// <summary>Every error a WakeDock service answers is RFC 7807 <c>application/problem+json</c>.</summary>
public static class ProblemDetailsExtensions
{
    public static IServiceCollection AddWakeDockProblemDetails(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            var http = context.HttpContext;
            context.ProblemDetails.Instance ??= $"{http.Request.Method} {http.Request.Path}";
            // The trace id lets an operator find the request in the developer dashboard.
            context.ProblemDetails.Extensions.TryAdd("traceId", Activity.Current?.TraceId.ToString() ?? http.TraceIdentifier);
        });
        // Exception handlers may answer 404 (e.g. "no such container" from the Docker engine);
        // without this the middleware turns that answer into a 500.
        services.Configure<Microsoft.AspNetCore.Builder.ExceptionHandlerOptions>(options => options.AllowStatusCode404Response = true);
        return services;
    }
}
