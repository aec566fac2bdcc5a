using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Routing;
using System.Text.Json;
using System.Text.Json.Serialization;
using WakeDock.ServiceDefaults;
using WakeDock.ServiceDefaults.Health;
using WakeDock.ServiceDefaults.Http;
using WakeDock.ServiceDefaults.ServiceInfo;
using WakeDock.ServiceDefaults.Telemetry;

// Same namespace as Aspire's service-defaults template, so Program.cs needs no using.
namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every WakeDock service gets: telemetry, health checks, service discovery, resilient
/// HttpClients, RFC 7807 errors and one JSON style — the shape of Aspire's ServiceDefaults.
/// </summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>Tag for checks that say the process itself is alive (used by <c>/alive</c>).</summary>
    public const string LiveTag = "live";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.Services.TryAddSingleton(TimeProvider.System);
        ServiceIdentity.For(builder);

        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();

        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });

        builder.Services.AddWakeDockProblemDetails();
        builder.Services.ConfigureHttpJsonOptions(options => ConfigureJson(options.SerializerOptions));

        return builder;
    }

    /// <summary>The JSON style of every WakeDock API: camelCase, enums as strings, no nulls.</summary>
    public static void ConfigureJson(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        if (!options.Converters.OfType<JsonStringEnumConverter>().Any())
        {
            options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        }
    }

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);
        return builder;
    }

    /// <summary>
    /// Maps <c>/health</c> (readiness: every check, including database, Redis and bus) and
    /// <c>/alive</c> (liveness: only the process), both answering JSON, plus the error pipeline.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);

        app.UseExceptionHandler();
        app.UseStatusCodePages();

        app.MapHealthChecks("/health", new HealthCheckOptions
        {
            ResponseWriter = HealthResponseWriter.WriteAsync,
        }).DisableHttpMetrics();

        app.MapHealthChecks("/alive", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(LiveTag),
            ResponseWriter = HealthResponseWriter.WriteAsync,
        }).DisableHttpMetrics();

        return app;
    }

    /// <summary>Maps <c>GET /api/v1/{service}/info</c>: name, version, instance and uptime.</summary>
    public static IEndpointConventionBuilder MapServiceInfo(this IEndpointRouteBuilder endpoints, string pathSegment)
        => ServiceInfoEndpoint.Map(endpoints, pathSegment);
}
