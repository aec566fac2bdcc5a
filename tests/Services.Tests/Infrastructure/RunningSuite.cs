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
    private readonly ServiceSuite suite = new();
    private readonly ActivityListener announcementListener;
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

    public async ValueTask InitializeAsync()
    {
        await suite.StartServersAsync();

        // Monitoring after the others on purpose: its roll call must find them anyway.
        Identity = Start<IdentityService::Program>(IdentitySettings());
        Containers = Start<ContainersService::Program>(SettingsWithIdentity(ResourceNames.Containers));
        Monitoring = Start<MonitoringService::Program>(SettingsWithIdentity(ResourceNames.Monitoring), host => MonitoringServices = host);
        Gateway = StartGateway(Identity, Containers, Monitoring);
    }

    /// <summary>Identity's settings: the backing servers, its key-encryption secret and the bootstrap admin.</summary>
    public Dictionary<string, string?> IdentitySettings(string name = ResourceNames.Identity)
    {
        var settings = suite.Settings(name);
        settings["Identity:KeyEncryptionSecret"] = keyEncryptionSecret;
        settings["Identity:BootstrapAdmin:Password"] = AdminPassword;
        return settings;
    }

    /// <summary>A service that validates tokens: it finds Identity's JWKS through service discovery.</summary>
    private Dictionary<string, string?> SettingsWithIdentity(string name)
    {
        var settings = suite.Settings(name);
        settings[$"services:{ResourceNames.Identity}:http:0"] = Identity.ToString();
        return settings;
    }

    /// <summary>Starts another Gateway, pointed at the given service addresses.</summary>
    public Uri StartGateway(Uri identity, Uri containers, Uri monitoring)
    {
        var settings = suite.Settings(ResourceNames.Gateway, database: false);
        settings[$"services:{ResourceNames.Identity}:http:0"] = identity.ToString();
        settings[$"services:{ResourceNames.Containers}:http:0"] = containers.ToString();
        settings[$"services:{ResourceNames.Monitoring}:http:0"] = monitoring.ToString();
        return Start<GatewayService::Program>(settings);
    }

    public Uri Start<TEntryPoint>(IReadOnlyDictionary<string, string?> settings, Action<IServiceProvider>? started = null)
        where TEntryPoint : class
    {
        var host = suite.Start<TEntryPoint>(settings);
        started?.Invoke(host.Services);
        return host.BaseAddress;
    }

    public async ValueTask DisposeAsync()
    {
        await suite.DisposeAsync();
        announcementListener.Dispose();
    }
}
