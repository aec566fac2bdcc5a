using System.Text.Json;
using WakeDock.ServiceDefaults.ServiceInfo;
using WakeDock.Services.Tests.Infrastructure;

namespace WakeDock.Services.Tests;

/// <summary>The four services against real PostgreSQL, Redis and RabbitMQ, reached directly and through the Gateway.</summary>
public sealed class SuiteTests(RunningSuite suite)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public static TheoryData<string> BackendServices => ["identity", "containers", "monitoring"];

    [Theory]
    [MemberData(nameof(BackendServices))]
    public async Task Each_service_is_healthy_with_its_database_redis_and_bus_checks(string service)
    {
        using var client = new HttpClient { BaseAddress = ServiceAddress(service) };

        var health = await WaitForHealthyAsync(client, "/health");

        var checks = health.GetProperty("checks");
        Assert.Equal("Healthy", checks.GetProperty("postgres:wakedock").GetProperty("status").GetString());
        Assert.Equal("Healthy", checks.GetProperty("redis:redis").GetProperty("status").GetString());
        Assert.Equal("Healthy", checks.GetProperty("masstransit-bus").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Alive_reports_only_the_process_itself()
    {
        using var client = new HttpClient { BaseAddress = suite.Identity };

        using var response = await client.GetAsync(new Uri("/alive", UriKind.Relative), Cancellation);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var names = body.GetProperty("checks").EnumerateObject().Select(check => check.Name).ToList();
        Assert.Equal(["self"], names);
    }

    [Theory]
    [MemberData(nameof(BackendServices))]
    public async Task Gateway_routes_each_info_endpoint_to_its_service(string service)
    {
        using var client = new HttpClient { BaseAddress = suite.Gateway };

        var info = await client.GetFromJsonAsync<ServiceInfoResponse>(new Uri($"/api/v1/{service}/info", UriKind.Relative), Cancellation);

        Assert.NotNull(info);
        Assert.Equal(service, info.Name);
        Assert.Equal("0.1.0", info.Version);
        Assert.True(info.UptimeSeconds >= 0);
    }

    [Fact]
    public async Task Gateway_answers_its_own_info()
    {
        using var client = new HttpClient { BaseAddress = suite.Gateway };

        var info = await client.GetFromJsonAsync<ServiceInfoResponse>(new Uri("/api/v1/gateway/info", UriKind.Relative), Cancellation);

        Assert.Equal("gateway", info?.Name);
    }

    [Fact]
    public async Task Aggregate_health_reports_every_service_healthy()
    {
        using var client = new HttpClient { BaseAddress = suite.Gateway };

        var health = await WaitForHealthyAsync(client, "/api/v1/health");

        var services = health.GetProperty("services").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetProperty("status").GetString());
        Assert.Equal(["containers", "gateway", "identity", "monitoring"], services.Keys.Order(StringComparer.Ordinal));
        Assert.All(services.Values, status => Assert.Equal("Healthy", status));
    }

    [Fact]
    public async Task Aggregate_health_is_503_and_names_the_service_that_is_down()
    {
        using var client = GatewayWithIdentityDown();

        using var response = await client.GetAsync(new Uri("/api/v1/health", UriKind.Relative), Cancellation);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("Unhealthy", body.GetProperty("status").GetString());
        var identity = body.GetProperty("services").GetProperty("identity");
        Assert.Equal("Unhealthy", identity.GetProperty("status").GetString());
        Assert.Contains("refused", identity.GetProperty("error").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal("Healthy", body.GetProperty("services").GetProperty("monitoring").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Unknown_routes_answer_problem_json()
    {
        using var client = new HttpClient { BaseAddress = suite.Gateway };

        using var response = await client.GetAsync(new Uri("/api/v1/nothing-here", UriKind.Relative), Cancellation);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
        Assert.Equal(404, problem.GetProperty("status").GetInt32());
        Assert.True(problem.TryGetProperty("traceId", out _));
    }

    [Fact]
    public async Task A_backend_that_is_down_gives_502_problem_json_through_the_gateway()
    {
        using var client = GatewayWithIdentityDown();

        using var response = await client.GetAsync(new Uri("/api/v1/identity/info", UriKind.Relative), Cancellation);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private Uri ServiceAddress(string service) => service switch
    {
        "identity" => suite.Identity,
        "containers" => suite.Containers,
        "monitoring" => suite.Monitoring,
        _ => suite.Gateway,
    };

    /// <summary>The bus connects in the background after start-up: wait (bounded) for it.</summary>
    private static async Task<JsonElement> WaitForHealthyAsync(HttpClient client, string path)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            using var response = await client.GetAsync(new Uri(path, UriKind.Relative), Cancellation);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
            if (response.StatusCode == HttpStatusCode.OK || DateTime.UtcNow > deadline)
            {
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path} is not healthy: {body}");
                return body;
            }

            await Task.Delay(250, Cancellation);
        }
    }

    /// <summary>A second Gateway whose identity address is a closed loopback port.</summary>
    private HttpClient GatewayWithIdentityDown()
    {
        var closedPort = new Uri($"http://127.0.0.1:{FreePort()}");
        return new HttpClient { BaseAddress = suite.StartGateway(closedPort, suite.Containers, suite.Monitoring) };
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
