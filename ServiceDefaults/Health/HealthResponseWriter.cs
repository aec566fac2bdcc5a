using System.Text.Json;

namespace WakeDock.ServiceDefaults.Health;

/// <summary>
/// Writes a health report as JSON: the overall status and each check's status, duration and
/// description. Exception details are left out on purpose (they can carry connection strings).
/// </summary>
public static class HealthResponseWriter
{
    private static readonly JsonSerializerOptions JsonOptions = CreateOptions();

    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(report);

        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsync(JsonSerializer.Serialize(ToDocument(report), JsonOptions));
    }

    public static HealthDocument ToDocument(HealthReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var checks = report.Entries.ToDictionary(
            entry => entry.Key,
            entry => new HealthCheckDocument(
                entry.Value.Status.ToString(),
                Math.Round(entry.Value.Duration.TotalMilliseconds, 1),
                entry.Value.Description ?? entry.Value.Exception?.GetType().Name,
                entry.Value.Tags.Any() ? [.. entry.Value.Tags] : null),
            StringComparer.Ordinal);
        return new HealthDocument(report.Status.ToString(), Math.Round(report.TotalDuration.TotalMilliseconds, 1), checks);
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        ServiceDefaultsExtensions.ConfigureJson(options);
        return options;
    }
}

public sealed record HealthDocument(string Status, double DurationMs, IReadOnlyDictionary<string, HealthCheckDocument> Checks);

public sealed record HealthCheckDocument(string Status, double DurationMs, string? Description, IReadOnlyList<string>? Tags);
