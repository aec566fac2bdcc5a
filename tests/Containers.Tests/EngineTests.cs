namespace WakeDock.Containers.Tests;

/// <summary>The engine connection: health, and a clear 503 while the engine cannot be reached.</summary>
public sealed class EngineTests(ContainersFixture fixture)
{
    [Fact]
    public async Task Readiness_includes_the_Docker_engine()
    {
        using var client = new HttpClient { BaseAddress = fixture.Containers };

        var deadline = DateTime.UtcNow.AddSeconds(30);
        JsonElement health;
        do
        {
            health = await client.GetFromJsonAsync<JsonElement>("/health", TestContext.Current.CancellationToken);
        }
        while (health.GetProperty("checks").GetProperty("docker-engine").GetProperty("status").GetString() != "Healthy"
            && DateTime.UtcNow < deadline && await Delay());

        Assert.Equal("Healthy", health.GetProperty("checks").GetProperty("docker-engine").GetProperty("status").GetString());
    }

    [Fact]
    public async Task An_unreachable_engine_makes_readiness_unhealthy_and_says_where()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"wakedock-no-docker-{Guid.NewGuid():N}.sock");
        // Its own service name: its bus queues are its own, so it never takes commands meant for a working replica.
        await using var host = fixture.StartContainers(new Dictionary<string, string?> { ["Docker:Host"] = $"unix://{missing}", ["OTEL_SERVICE_NAME"] = "containers-without-engine" });
        using var client = new HttpClient { BaseAddress = host.BaseAddress };

        using var response = await client.GetAsync("/health", TestContext.Current.CancellationToken);
        var health = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var check = health.GetProperty("checks").GetProperty("docker-engine");
        Assert.Equal("Unhealthy", check.GetProperty("status").GetString());
        Assert.Contains(missing, check.GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    private static async Task<bool> Delay()
    {
        await Task.Delay(200, TestContext.Current.CancellationToken);
        return true;
    }
}
