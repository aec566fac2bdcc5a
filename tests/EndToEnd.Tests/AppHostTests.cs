using System.Text.Json;
using WakeDock.AppHost.Hosting;

namespace WakeDock.EndToEnd.Tests;

/// <summary>
/// The whole suite as a user runs it: the AppHost starts PostgreSQL, Redis, RabbitMQ, the four
/// services and Caddy; everything answers through Caddy and through the Gateway; a killed service
/// is restarted; SIGTERM stops everything and leaves no process behind.
/// </summary>
public sealed class AppHostTests
{
    private static readonly string[] Services = ["identity", "containers", "monitoring"];
    private static readonly TimeSpan AllHealthyWithin = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task The_AppHost_runs_the_suite_heals_a_killed_service_and_stops_without_leftovers()
    {
        await using var run = AppHostRun.Start();

        // 1. Everything healthy within 90 s, and the URLs printed.
        var status = await run.WaitForAsync(s => s.State == "running", AllHealthyWithin, "every resource to be healthy");
        Assert.All(status.Resources, resource => Assert.Equal("healthy", resource.Value.State));
        Assert.Equal(
            ["caddy", "containers", "gateway", "identity", "monitoring", "postgres", "rabbitmq", "redis", "wakedock"],
            status.Resources.Keys.Order(StringComparer.Ordinal));
        var publicUrl = new Uri(status.PublicUrl!);
        var gatewayUrl = new Uri(status.GatewayUrl!);
        Assert.True(IPAddress.IsLoopback(IPAddress.Parse(publicUrl.Host)), $"Caddy listens on {publicUrl}, not loopback");
        Assert.Contains(run.Output, line => line.Contains(status.PublicUrl!, StringComparison.Ordinal));

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };

        // 2. Aggregate health and every info endpoint, through Caddy and straight to the Gateway.
        foreach (var entry in new[] { publicUrl, gatewayUrl })
        {
            await AssertAllHealthyAsync(http, entry);
            foreach (var service in Services.Append("gateway"))
            {
                var info = await http.GetFromJsonAsync<JsonElement>(new Uri(entry, $"/api/v1/{service}/info"), TestContext.Current.CancellationToken);
                Assert.Equal(service, info.GetProperty("name").GetString());
            }
        }

        // The first administrator: its generated password was shown once, and signs in through Caddy.
        var adminPassword = AdminPassword(run.DataDir);
        Assert.Single(run.Output, line => line.Contains("admin-password", StringComparison.Ordinal) && line.Contains(adminPassword, StringComparison.Ordinal));
        using var login = await http.PostAsJsonAsync(new Uri(publicUrl, "/api/v1/auth/login"), new { userName = "admin", password = adminPassword }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("accessToken").GetString();
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        var me = await http.GetFromJsonAsync<JsonElement>(new Uri(publicUrl, "/api/v1/auth/me"), TestContext.Current.CancellationToken);
        Assert.Equal("admin", me.GetProperty("role").GetString());

        // Monitoring heard every service announce itself over RabbitMQ, whatever their start order.
        await WaitForInstancesAsync(http, publicUrl, ["identity", "containers", "monitoring", "gateway"]);

        // 3. Kill one service: the aggregate health says so, the AppHost restarts it, health returns.
        var identityPid = status.Resources["identity"].Pid!.Value;
        Native.Signal(identityPid, Native.SIGKILL);
        await WaitForAggregateAsync(http, gatewayUrl, health => ServiceStatus(health, "identity") == "Unhealthy", "identity to be reported unhealthy");
        var healed = await run.WaitForAsync(
            s => s.Resources["identity"] is { State: "healthy", Pid: { } pid } && pid != identityPid,
            TimeSpan.FromSeconds(60),
            "the AppHost to restart identity");
        Assert.True(healed.Resources["identity"].Restarts >= 1);
        await WaitForAggregateAsync(http, publicUrl, health => health.GetProperty("status").GetString() == "Healthy", "everything to be healthy again");

        // 4. SIGTERM: a clean exit, and no process the AppHost started survives it.
        var children = ProcessTree.Descendants(run.Pid);
        Assert.Contains(children, child => child.Command.Contains("postgres", StringComparison.Ordinal));
        Assert.Contains(children, child => child.Command.Contains("beam.smp", StringComparison.Ordinal));
        var exitCode = await run.StopAsync(TimeSpan.FromSeconds(90));
        Assert.Equal(0, exitCode);
        var survivors = children.Where(child => child.IsStillRunning()).ToList();
        Assert.True(survivors.Count == 0, "still running after the AppHost stopped: " + string.Join("; ", survivors.Select(s => $"{s.Pid} {s.Command}")));
        Assert.Equal("stopped", run.Status()?.State);
    }

    private static async Task AssertAllHealthyAsync(HttpClient http, Uri entry)
    {
        using var response = await http.GetAsync(new Uri(entry, "/api/v1/health"), TestContext.Current.CancellationToken);
        var health = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{entry}api/v1/health answered {(int)response.StatusCode}: {health}");
        foreach (var service in Services.Append("gateway"))
        {
            Assert.Equal("Healthy", ServiceStatus(health, service));
        }
    }

    private static string AdminPassword(string dataDir)
    {
        using var secrets = JsonDocument.Parse(File.ReadAllText(Path.Combine(dataDir, "secrets.json")));
        return secrets.RootElement.GetProperty("admin-password").GetString()!;
    }

    private static async Task WaitForInstancesAsync(HttpClient http, Uri entry, string[] services)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        HashSet<string?> seen = [];
        while (DateTime.UtcNow < deadline)
        {
            var instances = await http.GetFromJsonAsync<List<JsonElement>>(new Uri(entry, "/api/v1/monitoring/instances"), TestContext.Current.CancellationToken) ?? [];
            seen = [.. instances.Select(instance => instance.GetProperty("service").GetString())];
            if (seen.IsSupersetOf(services))
            {
                return;
            }

            await Task.Delay(200, TestContext.Current.CancellationToken);
        }

        Assert.Fail($"Monitoring knows only [{string.Join(", ", seen)}], expected [{string.Join(", ", services)}]");
    }

    private static string? ServiceStatus(JsonElement health, string service)
        => health.GetProperty("services").GetProperty(service).GetProperty("status").GetString();

    private static async Task WaitForAggregateAsync(HttpClient http, Uri entry, Func<JsonElement, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        JsonElement last = default;
        while (DateTime.UtcNow < deadline)
        {
            using var response = await http.GetAsync(new Uri(entry, "/api/v1/health"), TestContext.Current.CancellationToken);
            last = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
            if (condition(last))
            {
                return;
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        Assert.Fail($"timed out waiting for {what}; last answer: {last}");
    }
}
