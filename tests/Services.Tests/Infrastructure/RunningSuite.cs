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
    private readonly string keyEncryptionSecret = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    public RunningSuite()
    {
        // Records the trace of every start-up publication, to check it reaches the consumer.
        announcementListener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "WakeDock.ServiceDefaults" or TestActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => AnnouncementTraceIds[activity.TraceId.ToString()] = activity.DisplayName,
        };
        ActivitySource.AddActivityListener(announcementListener);
    }

    public const string TestActivitySourceName = "WakeDock.Tests";

    /// <summary>Traces started by start-up publications (or by tests), with the name of their root activity.</summary>
    public ConcurrentDictionary<string, string> AnnouncementTraceIds { get; } = new();

    /// <summary>The bootstrap administrator's password (user <c>admin</c>), generated per run.</summary>
    public string AdminPassword { get; } = System.Security.Cryptography.RandomNumberGenerator.GetString("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", 24);

    /// <summary>A client for <paramref name="baseAddress"/> signed in as the administrator through the Gateway.</summary>
    public async Task<HttpClient> AdminClientAsync(Uri baseAddress)
    {
        using var gateway = new HttpClient { BaseAddress = Gateway };
        using var response = await gateway.PostAsJsonAsync(new Uri("/api/v1/auth/login", UriKind.Relative), new { userName = "admin", password = AdminPassword });
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("accessToken").GetString();
        var client = new HttpClient { BaseAddress = baseAddress };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public Uri Identity { get; private set; } = null!;

    public Uri Containers { get; private set; } = null!;

    public Uri Monitoring { get; private set; } = null!;

    public Uri Gateway { get; private set; } = null!;

    /// <summary>Monitoring's service provider, to publish on the bus as Monitoring.</summary>
    public IServiceProvider MonitoringServices { get; private set; } = null!;

    public string PostgresConnectionString => postgres.ConnectionString;

    public string RedisConnectionString => redis.ConnectionString;

    public string RabbitMqConnectionString => rabbitMq.ConnectionString;

    public async ValueTask InitializeAsync()
    {
        await Task.WhenAll(
            postgres.InitializeAsync().AsTask(),
            redis.InitializeAsync().AsTask(),
            rabbitMq.InitializeAsync().AsTask());

        // Monitoring after the others on purpose: its roll call must find them anyway.
        Identity = Start<IdentityService::Program>(ResourceNames.Identity, IdentitySettings());
        Containers = Start<ContainersService::Program>(ResourceNames.Containers, BackingSettingsWithIdentity());
        Monitoring = Start<MonitoringService::Program>(ResourceNames.Monitoring, BackingSettingsWithIdentity(), host => MonitoringServices = host);
        Gateway = StartGateway(Identity, Containers, Monitoring);
    }

    /// <summary>The settings of a service that uses PostgreSQL, Redis and RabbitMQ.</summary>
    public Dictionary<string, string?> BackingSettings() => new()
    {
        [$"ConnectionStrings:{ResourceNames.Database}"] = postgres.ConnectionString,
        [$"ConnectionStrings:{ResourceNames.Redis}"] = redis.ConnectionString,
        [$"ConnectionStrings:{ResourceNames.Bus}"] = rabbitMq.ConnectionString,
    };

    /// <summary>Identity's settings: the backing servers, its key-encryption secret and the bootstrap admin.</summary>
    public Dictionary<string, string?> IdentitySettings()
    {
        var settings = BackingSettings();
        settings["Identity:KeyEncryptionSecret"] = keyEncryptionSecret;
        settings["Identity:BootstrapAdmin:Password"] = AdminPassword;
        return settings;
    }

    /// <summary>A service that validates tokens: it finds Identity's JWKS through service discovery.</summary>
    private Dictionary<string, string?> BackingSettingsWithIdentity()
    {
        var settings = BackingSettings();
        settings[$"services:{ResourceNames.Identity}:http:0"] = Identity.ToString();
        return settings;
    }

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

    public Uri Start<TEntryPoint>(string name, Dictionary<string, string?> settings, Action<IServiceProvider>? started = null)
        where TEntryPoint : class
    {
        settings["OTEL_SERVICE_NAME"] = name;
        var host = new ServiceHost<TEntryPoint>(settings).Start();
        started?.Invoke(host.Services);
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
