extern alias GatewayService;
extern alias IdentityService;

using System.Net.Http.Headers;
using System.Security.Cryptography;
using WakeDock.ServiceDefaults;
using WakeDock.Testing;

namespace WakeDock.Identity.Tests;

/// <summary>
/// Identity running in this process against throwaway real PostgreSQL, Redis and RabbitMQ, with
/// a bootstrap administrator, and a Gateway in front of it. Shared by every test in the assembly;
/// tests that need other settings start another Identity on the same servers.
/// </summary>
public sealed class IdentityFixture : IAsyncLifetime
{
    public const string AdminUserName = "admin";

    private readonly ServiceSuite suite = new();

    public string AdminPassword { get; } = RandomNumberGenerator.GetString("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", 24);

    public string KeyEncryptionSecret { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>The shared Identity, reached directly.</summary>
    public Uri Identity { get; private set; } = null!;

    /// <summary>A Gateway whose <c>identity</c> is <see cref="Identity"/>.</summary>
    public Uri Gateway { get; private set; } = null!;

    /// <summary>The shared Identity's services (DbContext, Redis, bus…).</summary>
    public IServiceProvider IdentityServices { get; private set; } = null!;

    public string PostgresConnectionString => suite.Postgres.ConnectionString;

    public string RedisConnectionString => suite.Redis.ConnectionString;

    public string RabbitMqConnectionString => suite.RabbitMq.ConnectionString;

    public async ValueTask InitializeAsync()
    {
        await suite.StartServersAsync();
        (Identity, IdentityServices) = StartIdentity();
        Gateway = StartGateway(Identity);
    }

    /// <summary>The settings the AppHost would give Identity, plus <paramref name="overrides"/>.</summary>
    public Dictionary<string, string?> IdentitySettings(IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var settings = suite.Settings(ResourceNames.Identity);
        settings["Identity:KeyEncryptionSecret"] = KeyEncryptionSecret;
        settings["Identity:BootstrapAdmin:UserName"] = AdminUserName;
        settings["Identity:BootstrapAdmin:Password"] = AdminPassword;
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>Starts an Identity on the shared servers (same database, Redis and bus).</summary>
    public (Uri Address, IServiceProvider Services) StartIdentity(IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var host = suite.Start<IdentityService::Program>(IdentitySettings(overrides));
        return (host.BaseAddress, host.Services);
    }

    public Uri StartGateway(Uri identity)
    {
        var closed = new Uri("http://127.0.0.1:9");
        var settings = suite.Settings(ResourceNames.Gateway, database: false);
        settings[$"services:{ResourceNames.Identity}:http:0"] = identity.ToString();
        settings[$"services:{ResourceNames.Containers}:http:0"] = closed.ToString();
        settings[$"services:{ResourceNames.Monitoring}:http:0"] = closed.ToString();
        return suite.Start<GatewayService::Program>(settings).BaseAddress;
    }

    /// <summary>A client for <paramref name="baseAddress"/> (default: the Gateway), optionally with a bearer token and a client address.</summary>
    public HttpClient CreateClient(Uri? baseAddress = null, string? bearerToken = null, string? clientIp = null)
    {
        var client = new HttpClient { BaseAddress = baseAddress ?? Gateway, Timeout = TimeSpan.FromSeconds(30) };
        if (bearerToken is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);
        }

        if (clientIp is not null)
        {
            // Trusted because the test connects from loopback, as the Gateway and Caddy do.
            client.DefaultRequestHeaders.Add("X-Forwarded-For", clientIp);
        }

        return client;
    }

    public ValueTask DisposeAsync() => suite.DisposeAsync();
}
