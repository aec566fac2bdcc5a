using Microsoft.Extensions.Diagnostics.HealthChecks;
using System.Diagnostics;
using System.Net.Http.Json;
using Microsoft.Extensions.Options;
using WakeDock.ServiceDefaults.Health;

namespace WakeDock.Gateway.Health;

/// <summary>The services whose health <c>GET /api/v1/health</c> aggregates.</summary>
public sealed class BackendServicesOptions
{
    public const string Section = "Gateway";

    public IList<string> Services { get; init; } = [];

    /// <summary>How long one service's <c>/health</c> may take before it counts as unhealthy.</summary>
    public TimeSpan HealthTimeout { get; set; } = TimeSpan.FromSeconds(3);
}

/// <summary>
/// Asks every backend service for its <c>/health</c> in parallel (addresses from service
/// discovery) and combines the answers with the Gateway's own.
/// </summary>
public sealed class ServiceHealthAggregator(
    IHttpClientFactory httpClientFactory,
    HealthCheckService ownHealth,
    IOptions<BackendServicesOptions> options)
{
    public const string HttpClientName = "service-health";

    public async Task<AggregateHealth> CheckAsync(CancellationToken cancellationToken)
    {
        var services = options.Value.Services;
        var probes = services.Select(service => ProbeAsync(service, cancellationToken)).ToList();
        var gateway = HealthResponseWriter.ToDocument(await ownHealth.CheckHealthAsync(cancellationToken));
        var results = await Task.WhenAll(probes);

        var all = results.Prepend(new ServiceHealth("gateway", gateway.Status, gateway.DurationMs, null, gateway));
        var byName = all.ToDictionary(result => result.Name, StringComparer.Ordinal);
        var status = Worst(byName.Values.Select(result => result.Status));
        return new AggregateHealth(status, byName);
    }

    private async Task<ServiceHealth> ProbeAsync(string service, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.HealthTimeout);
        try
        {
            var client = httpClientFactory.CreateClient(HttpClientName);
            using var response = await client.GetAsync(new Uri($"http://{service}/health"), timeout.Token);
            var document = await response.Content.ReadFromJsonAsync<HealthDocument>(timeout.Token);
            var status = document?.Status ?? (response.IsSuccessStatusCode ? "Healthy" : "Unhealthy");
            return new ServiceHealth(service, status, Elapsed(started), null, document);
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException or System.Text.Json.JsonException)
        {
            var error = exception is OperationCanceledException && !cancellationToken.IsCancellationRequested
                ? $"no answer within {options.Value.HealthTimeout.TotalSeconds} s"
                : exception.Message;
            return new ServiceHealth(service, "Unhealthy", Elapsed(started), error, null);
        }
    }

    private static double Elapsed(long started) => Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 1);

    /// <summary>Unhealthy beats Degraded beats Healthy.</summary>
    public static string Worst(IEnumerable<string> statuses)
    {
        var list = statuses.ToList();
        if (list.Any(status => !string.Equals(status, "Healthy", StringComparison.Ordinal) && !string.Equals(status, "Degraded", StringComparison.Ordinal)))
        {
            return "Unhealthy";
        }

        return list.Contains("Degraded", StringComparer.Ordinal) ? "Degraded" : "Healthy";
    }
}

public sealed record AggregateHealth(string Status, IReadOnlyDictionary<string, ServiceHealth> Services);

public sealed record ServiceHealth(string Name, string Status, double DurationMs, string? Error, HealthDocument? Health);
