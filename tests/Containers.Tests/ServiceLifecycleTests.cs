extern alias ContainersService;

using System.Collections.Concurrent;
using Docker.DotNet;
using Docker.DotNet.Models;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using WakeDock.ServiceDefaults.Messaging;
using WakeDock.Contracts.Services;
using WakeDock.Testing;
using SleepServiceConsumer = ContainersService::WakeDock.Containers.Lifecycle.SleepServiceConsumer;
using WakeServiceConsumer = ContainersService::WakeDock.Containers.Lifecycle.WakeServiceConsumer;

namespace WakeDock.Containers.Tests;

/// <summary>Deploy, wake and sleep against the real engine: readiness by HTTP probe and Docker health, failures, coalesced wakes, dependencies.</summary>
public sealed class ServiceLifecycleTests(ContainersFixture fixture) : IAsyncLifetime
{
    // The shell ends on SIGTERM at once (PID 1 ignores it without a handler, and stop would wait 10 s).
    private static readonly string[] Sleeper = ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"];
    private static readonly string[] FailingCheck = ["CMD", "false"];
    private static readonly string[] CountStarts = ["sh", "-c", "trap 'exit 0' TERM; echo start >> /data/log; cat /data/log; sleep 3600 & wait"];
    private static readonly string[] ExitAtOnce = ["sh", "-c", "exit 3"];
    private readonly List<string> names = [];
    private readonly List<string> volumes = [];
    private readonly ConcurrentQueue<ServiceStateChanged> changes = new();
    private HttpClient admin = null!;
    private IBusControl bus = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        // Test services use the host network (an admin-only setting), listening on 127.0.0.1 only.
        admin = await fixture.ClientAsync("admin");
        // Transitions as every replica publishes them (another Containers host of the suite may make some).
        var broker = RabbitMqAddress.Parse(fixture.Suite.RabbitMq.ConnectionString);
        bus = Bus.Factory.CreateUsingRabbitMq(rabbit =>
        {
            rabbit.Host(broker.Host, broker.Port, broker.VirtualHost, host =>
            {
                host.Username(broker.UserName);
                host.Password(broker.Password);
            });
            rabbit.ReceiveEndpoint(endpoint => endpoint.Handler<ServiceStateChanged>(context =>
            {
                OnChanged(context.Message);
                return Task.CompletedTask;
            }));
        });
        await bus.StartAsync(Cancel);
    }

    [Fact]
    public async Task A_deployed_service_wakes_to_ready_by_its_http_probe_and_sleeps_with_its_container_stopped()
    {
        var port = DockerTestContainers.GetFreeLoopbackPort();
        var name = await CreateAsync("web", new
        {
            command = new[] { "sh", "-c", $"trap 'exit 0' TERM; sleep 1; mkdir -p /www && echo ok > /www/index.html && httpd -f -p 127.0.0.1:{port} -h /www & wait" },
            healthCheck = new { type = "http", path = "/index.html", port },
            environment = new Dictionary<string, object> { ["TOKEN"] = new { value = "s3cret", secret = true } },
            labels = new Dictionary<string, string> { ["team"] = "qa" },
        });

        var deployed = await ActAsync(name, "deploy");
        Assert.Equal(ServiceStates.Sleeping, deployed.GetProperty("state").GetString());
        var container = await fixture.Docker.Containers.InspectContainerAsync("wakedock-" + name, Cancel);
        Assert.Equal("true", container.Config.Labels["wakedock.managed"]);
        Assert.Equal(deployed.GetProperty("id").GetString(), container.Config.Labels["wakedock.service-id"]);
        Assert.Equal(name, container.Config.Labels["wakedock.name"]);
        Assert.Equal("qa", container.Config.Labels["team"]);
        Assert.Contains("TOKEN=s3cret", container.Config.Env);
        Assert.Equal("host", container.HostConfig.NetworkMode);
        Assert.False(container.State.Running);

        var woken = await ActAsync(name, "wake");
        Assert.Equal(ServiceStates.Ready, woken.GetProperty("state").GetString());
        Assert.Equal(ServiceStates.Ready, (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/services/{name}", Cancel)).GetProperty("state").GetString());
        await ChangeAsync(c => c.Name == name && c.PreviousState == ServiceStates.Sleeping && c.State == ServiceStates.Waking);
        await ChangeAsync(c => c.Name == name && c.PreviousState == ServiceStates.Waking && c.State == ServiceStates.Ready);
        using (var probe = new HttpClient())
        {
            Assert.Equal("ok", (await probe.GetStringAsync(new Uri($"http://127.0.0.1:{port}/index.html"), Cancel)).Trim());
        }

        var slept = await ActAsync(name, "sleep");
        Assert.Equal(ServiceStates.Sleeping, slept.GetProperty("state").GetString());
        Assert.False((await fixture.Docker.Containers.InspectContainerAsync("wakedock-" + name, Cancel)).State.Running);
        await ChangeAsync(c => c.Name == name && c.PreviousState == ServiceStates.Stopping && c.State == ServiceStates.Sleeping);

        using var again = await admin.PostAsync($"/api/v1/services/{name}/sleep", null, Cancel);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("application/problem+json", again.Content.Headers.ContentType?.MediaType);
        using var unknown = await admin.PostAsync($"/api/v1/services/no-such-{Guid.NewGuid():N}"[..40] + "/wake", null, Cancel);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task A_container_whose_docker_health_check_fails_is_unhealthy()
    {
        var name = await CreateAsync("sick", new
        {
            command = Sleeper,
            healthCheck = new { type = "docker", command = FailingCheck, interval = "1s", timeout = "1s", retries = 1 },
        });

        var woken = await ActAsync(name, "wake");
        Assert.Equal(ServiceStates.Unhealthy, woken.GetProperty("state").GetString());
        await ChangeAsync(c => c.Name == name && c.State == ServiceStates.Unhealthy && c.Reason == "health check failed");
    }

    [Fact]
    public async Task A_container_that_exits_at_once_fails_with_its_exit_code()
    {
        var name = await CreateAsync("crash", new { command = ExitAtOnce });

        var woken = await ActAsync(name, "wake");
        Assert.Equal(ServiceStates.Failed, woken.GetProperty("state").GetString());
        await ChangeAsync(c => c.Name == name && c.State == ServiceStates.Failed && c.Reason == "container exited with code 3");
    }

    [Fact]
    public async Task Twenty_concurrent_wakes_start_the_container_once()
    {
        var name = await CreateAsync("busy", new { command = Sleeper });
        await ActAsync(name, "deploy");
        var since = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 1;

        using var direct = await fixture.ClientAsync("admin", fixture.Containers);
        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
        {
            using var response = await direct.PostAsync($"/api/v1/services/{name}/wake", null, Cancel);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("state").GetString();
        }));

        Assert.All(answers, state => Assert.Equal(ServiceStates.Ready, state));
        Assert.Equal(1, await CountStartsAsync("wakedock-" + name, since));
        await ChangeAsync(c => c.Name == name && c.State == ServiceStates.Ready);
        Assert.Single(changes, c => c.Name == name && c.State == ServiceStates.Waking);
    }

    [Fact]
    public async Task Waking_a_service_wakes_its_dependency_first()
    {
        var database = await CreateAsync("db", new { command = Sleeper });
        var app = await CreateAsync("app", new { command = Sleeper, dependsOn = new[] { database } });

        var woken = await ActAsync(app, "wake");
        Assert.Equal(ServiceStates.Ready, woken.GetProperty("state").GetString());
        Assert.Equal(ServiceStates.Ready, (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/services/{database}", Cancel)).GetProperty("state").GetString());
        var databaseReady = await ChangeAsync(c => c.Name == database && c.State == ServiceStates.Ready);
        var appWaking = await ChangeAsync(c => c.Name == app && c.State == ServiceStates.Waking);
        Assert.True(appWaking.OccurredAt >= databaseReady.OccurredAt, "The dependency is ready before the service starts waking.");
    }

    [Fact]
    public async Task Pause_sleep_mode_pauses_restart_starts_again_and_a_redeploy_recreates_keeping_named_volumes()
    {
        var volume = $"lc-vol-{Guid.NewGuid():N}"[..20];
        volumes.Add(volume);
        var name = await CreateAsync("keep", new
        {
            command = CountStarts,
            volumes = new[] { new { source = volume, target = "/data" } },
            sleepMode = "pause",
        });

        Assert.Equal(ServiceStates.Ready, (await ActAsync(name, "wake")).GetProperty("state").GetString());
        Assert.Equal(ServiceStates.Sleeping, (await ActAsync(name, "sleep")).GetProperty("state").GetString());
        var paused = await fixture.Docker.Containers.InspectContainerAsync("wakedock-" + name, Cancel);
        Assert.True(paused.State.Paused);
        Assert.Equal(ServiceStates.Ready, (await ActAsync(name, "wake")).GetProperty("state").GetString());
        Assert.False((await fixture.Docker.Containers.InspectContainerAsync("wakedock-" + name, Cancel)).State.Paused);

        Assert.Equal(ServiceStates.Ready, (await ActAsync(name, "restart")).GetProperty("state").GetString());
        Assert.Equal(ServiceStates.Ready, (await ActAsync(name, "redeploy")).GetProperty("state").GetString());
        var recreated = await fixture.Docker.Containers.InspectContainerAsync("wakedock-" + name, Cancel);
        Assert.NotEqual(paused.ID, recreated.ID);
        await using var logs = fixture.CreateTestContainers();
        // One line per start: the first container's wake and restart, then the new container's start.
        await logs.WaitForLogAsync(recreated.ID, "start\nstart\nstart\n", cancellationToken: Cancel);
        // The previous run's stop, seen after the restart's wake began, did not fail the new run.
        Assert.DoesNotContain(changes, c => c.Name == name && c.State == ServiceStates.Failed);

        using var bad = await admin.PostAsJsonAsync($"/api/v1/services/{name}/redeploy", new { image = "Not An Image" }, Cancel);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task WakeService_and_SleepService_commands_from_the_bus_wake_and_put_to_sleep()
    {
        var name = await CreateAsync("bus", new { command = Sleeper });
        await bus.Publish(new WakeService(null, name, "test", DateTimeOffset.UtcNow), Cancel);
        await ChangeAsync(c => c.Name == name && c.State == ServiceStates.Ready);
        await bus.Publish(new SleepService(null, name, "idle timeout", "test", DateTimeOffset.UtcNow), Cancel);
        // The command's reason starts the sleep; the last step to Sleeping may be made by the sleep
        // itself or by the engine's "stop" event, whichever comes first, so its reason varies.
        await ChangeAsync(c => c.Name == name && c.State == ServiceStates.Stopping && c.Reason == "idle timeout");
        await ChangeAsync(c => c.Name == name && c.State == ServiceStates.Sleeping);
    }

    private void OnChanged(ServiceStateChanged change)
    {
        bool ours;
        lock (names)
        {
            ours = names.Contains(change.Name);
        }

        if (ours)
        {
            changes.Enqueue(change);
        }
    }

    /// <summary>The first published transition matching <paramref name="match"/>; the bus delivers a moment after the API answered.</summary>
    private async Task<ServiceStateChanged> ChangeAsync(Func<ServiceStateChanged, bool> match)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            if (changes.FirstOrDefault(match) is { } found)
            {
                return found;
            }

            Assert.True(DateTime.UtcNow < deadline, $"No such state change; seen: {string.Join("; ", changes.Select(c => $"{c.Name} {c.PreviousState}->{c.State} ({c.Reason})"))}");
            await Task.Delay(50, Cancel);
        }
    }

    private async Task<string> CreateAsync(string prefix, object settings)
    {
        var name = $"lc-{prefix}-{Guid.NewGuid():N}"[..24];
        lock (names)
        {
            names.Add(name);
        }

        var definition = JsonSerializer.SerializeToNode(settings)!.AsObject();
        definition["name"] = name;
        definition["image"] = fixture.TestImage;
        definition["hostNetwork"] = true;
        definition["blockingTimeout"] = "30s";
        using var response = await admin.PostAsJsonAsync("/api/v1/services", definition, Cancel);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync(Cancel));
        return name;
    }

    private async Task<JsonElement> ActAsync(string name, string action)
    {
        using var response = await admin.PostAsync($"/api/v1/services/{name}/{action}", null, Cancel);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{action}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Cancel)}");
        return await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
    }

    private async Task<int> CountStartsAsync(string containerName, long since)
    {
        var starts = new Collector();
        await fixture.Docker.System.MonitorEventsAsync(new ContainerEventsParameters
        {
            Since = since.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Until = (DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["container"] = new Dictionary<string, bool> { [containerName] = true },
                ["event"] = new Dictionary<string, bool> { ["start"] = true },
            },
        }, starts, Cancel);
        return starts.Count;
    }

    public async ValueTask DisposeAsync()
    {
        await bus.StopAsync(CancellationToken.None);
        // Dependents first, so the store lets their dependencies go; containers whatever happened.
        foreach (var name in Enumerable.Reverse(names))
        {
            try
            {
                await fixture.Docker.Containers.RemoveContainerAsync("wakedock-" + name, new ContainerRemoveParameters { Force = true }, CancellationToken.None);
            }
            catch (DockerContainerNotFoundException)
            {
                // Never deployed.
            }

            using var deleted = await admin.DeleteAsync($"/api/v1/services/{name}", CancellationToken.None);
        }

        foreach (var volume in volumes)
        {
            try
            {
                await fixture.Docker.Volumes.RemoveAsync(volume, force: true, CancellationToken.None);
            }
            catch (DockerApiException)
            {
                // Never created.
            }
        }

        admin.Dispose();
    }

    /// <summary>Counts synchronously: <see cref="Progress{T}"/> would report on the thread pool after the call returned.</summary>
    private sealed class Collector : IProgress<Message>
    {
        private int count;

        public int Count => Volatile.Read(ref count);

        public void Report(Message value) => Interlocked.Increment(ref count);
    }
}
