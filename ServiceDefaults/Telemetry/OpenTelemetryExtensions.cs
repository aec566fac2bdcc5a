using System.Diagnostics;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace WakeDock.ServiceDefaults.Telemetry;

/// <summary>Logs, metrics and traces for every service; exported over OTLP when configured.</summary>
public static class OpenTelemetryExtensions
{
    /// <summary>Our own activity sources and meters are named <c>WakeDock.*</c>.</summary>
    public const string WakeDockSourcePattern = "WakeDock.*";

    /// <summary>The activity source ServiceDefaults' own work (e.g. bus announcements) uses.</summary>
    public static readonly ActivitySource ActivitySource = new("WakeDock.ServiceDefaults");

    // MassTransit's DiagnosticSource/ActivitySource and Meter are both called "MassTransit".
    private const string MassTransitSource = "MassTransit";

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(
                serviceName: builder.Configuration["OTEL_SERVICE_NAME"] ?? builder.Environment.ApplicationName,
                serviceVersion: ServiceIdentity.ProductVersion(typeof(OpenTelemetryExtensions).Assembly)))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(MassTransitSource, "Npgsql", WakeDockSourcePattern))
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName, WakeDockSourcePattern, MassTransitSource)
                .AddAspNetCoreInstrumentation(options =>
                    // Health probes every few seconds would drown the real traces.
                    options.Filter = context => !IsHealthProbe(context.Request.Path))
                .AddHttpClientInstrumentation()
                .AddNpgsql());

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }

    public static bool IsHealthProbe(PathString path)
        => path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase)
            || path.StartsWithSegments("/alive", StringComparison.OrdinalIgnoreCase);
}
