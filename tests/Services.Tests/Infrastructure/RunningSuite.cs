extern alias ContainersService;
extern alias GatewayService;
extern alias IdentityService;
extern alias MonitoringService;

using System.Collections.Concurrent;
using System.Diagnostics;
using WakeDock.ServiceDefaults;
using WakeDock.Testing;

namespace WakeDock.Services.Tests.Infrastructure;

/// <summary>
/// The four services running in this process against throwaway real PostgreSQL, Redis and
/// RabbitMQ servers, wired the way the AppHost wires them. Shared by every test in the assembly.
/// </summary>
public sealed class RunningSuite : IAsyncLifetime
{
    private readonly PostgresFixture postgres = new();
    private readonly RedisFixture redis = new();
    private readonly RabbitMqFixture rabbitMq = new();
    private readonly ActivityListener announcementListener;
    private readonly List<IAsyncDisposable> hosts = [];

    public RunningSuite()
    {
        // Records the trace of every bus announcement, to check it reaches the consumer.
        announcementListener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "WakeDock.ServiceDefaults",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => AnnouncementTraceIds[activity.TraceId.ToString()] = activity.DisplayName,
        };
        ActivitySource.AddActivityListener(announcementListener);
    }

    public ConcurrentDictionary<string, string> AnnouncementTraceIds { get; } = new();

    public Uri Identity { get; private set; } = null!;

    public Uri Containers { get; private set; } = null!;

    public Uri Monitoring { get; private set; } = null!;

    public Uri Gateway { get; private set; } = null!;

    public string PostgresConnectionString => postgres.ConnectionString;

    public string RedisConnectionString => redis.ConnectionString;

    public string RabbitMqConnectionString => rabbitMq.ConnectionString;

    public async ValueTask InitializeAsync()
    {
        await Task.WhenAll(
            postgres.InitializeAsync().AsTask(),
            redis.InitializeAsync().AsTask(),
            rabbitMq.InitializeAsync().AsTask());

        // Monitoring first: its queue must exist before the others announce themselves
        // (RabbitMQ drops what is published to an exchange with no queue bound yet).
        Monitoring = Start<MonitoringService::Program>(ResourceNames.Monitoring, BackingSettings());
        await WaitForBusAsync(Monitoring);
        Identity = Start<IdentityService::Program>(ResourceNames.Identity, BackingSettings());
        Containers = Start<ContainersService::Program>(ResourceNames.Containers, BackingSettings());
        Gateway = StartGateway(Identity, Containers, Monitoring);
    }

    private static async Task WaitForBusAsync(Uri service)
    {
        using var client = new HttpClient { BaseAddress = service };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            using var response = await client.GetAsync(new Uri("/health", UriKind.Relative));
            if (response.IsSuccessStatusCode)
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{service} did not become healthy within 60 s");
    }

    /// <summary>The settings of a service that uses PostgreSQL, Redis and RabbitMQ.</summary>
    public Dictionary<string, string?> BackingSettings() => new()
    {
        [$"ConnectionStrings:{ResourceNames.Database}"] = postgres.ConnectionString,
        [$"ConnectionStrings:{ResourceNames.Redis}"] = redis.ConnectionString,
        [$"ConnectionStrings:{ResourceNames.Bus}"] = rabbitMq.ConnectionString,
    };

    /// <summary>Starts another Gateway, pointed at the given service addresses.</summary>
    public Uri StartGateway(Uri identity, Uri containers, Uri monitoring)
    {
        var settings = new Dictionary<string, string?>
        {
            [$"ConnectionStrings:{ResourceNames.Redis}"] = redis.ConnectionString,
            [$"ConnectionStrings:{ResourceNames.Bus}"] = rabbitMq.ConnectionString,
            [$"services:{ResourceNames.Identity}:http:0"] = identity.ToString(),
            [$"services:{ResourceNames.Containers}:http:0"] = containers.ToString(),
            [$"services:{ResourceNames.Monitoring}:http:0"] = monitoring.ToString(),
        };
        return Start<GatewayService::Program>(ResourceNames.Gateway, settings);
    }

    public Uri Start<TEntryPoint>(string name, Dictionary<string, string?> settings)
        where TEntryPoint : class
    {
        settings["OTEL_SERVICE_NAME"] = name;
        var host = new ServiceHost<TEntryPoint>(settings).Start();
        lock (hosts)
        {
            hosts.Add(host);
        }

        return host.BaseAddress;
    }

    public async ValueTask DisposeAsync()
    {
        List<IAsyncDisposable> started;
        lock (hosts)
        {
            started = [.. hosts];
            hosts.Clear();
        }

        started.Reverse();
        foreach (var host in started)
        {
            await host.DisposeAsync();
        }

        announcementListener.Dispose();
        await rabbitMq.DisposeAsync();
        await redis.DisposeAsync();
        await postgres.DisposeAsync();
    }
}
