extern alias ContainersService;
extern alias GatewayService;
extern alias IdentityService;

using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Docker.DotNet;
using WakeDock.ServiceDefaults;
using WakeDock.Testing;

namespace WakeDock.Containers.Tests;

/// <summary>
/// Containers in this process against the real Docker engine and throwaway PostgreSQL, Redis and
/// RabbitMQ, with Identity for tokens and a Gateway in front — as the AppHost wires them. The
/// local busybox test image is built once. Shared by every test in the assembly.
/// </summary>
public sealed class ContainersFixture : IAsyncLifetime
{
    private readonly ServiceSuite suite = new();
    private readonly DockerEngineFixture docker = new();
    private readonly ConcurrentDictionary<string, Task<string>> tokens = new();
    private readonly string adminPassword = RandomNumberGenerator.GetString("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", 24);

    /// <summary>Containers, reached directly.</summary>
    public Uri Containers { get; private set; } = null!;

    public Uri Identity { get; private set; } = null!;

    /// <summary>The Gateway in front of Identity and Containers.</summary>
    public Uri Gateway { get; private set; } = null!;

    public IServiceProvider ContainersServices { get; private set; } = null!;

    /// <summary>The engine, for arranging and checking what the API did.</summary>
    public DockerClient Docker => docker.Client;

    /// <summary>The local busybox image (<c>FROM scratch</c>) every test container runs.</summary>
    public string TestImage { get; private set; } = null!;

    public ServiceSuite Suite => suite;

    public async ValueTask InitializeAsync()
    {
        await Task.WhenAll(suite.StartServersAsync(), docker.InitializeAsync().AsTask());
        TestImage = await DockerTestImage.EnsureAsync(docker.Client);

        var identity = suite.Settings(ResourceNames.Identity);
        identity["Identity:KeyEncryptionSecret"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        identity["Identity:BootstrapAdmin:Password"] = adminPassword;
        Identity = suite.Start<IdentityService::Program>(identity).BaseAddress;

        var containers = StartContainers();
        Containers = containers.BaseAddress;
        ContainersServices = containers.Services;

        var gateway = suite.Settings(ResourceNames.Gateway, database: false);
        gateway[$"services:{ResourceNames.Identity}:http:0"] = Identity.ToString();
        gateway[$"services:{ResourceNames.Containers}:http:0"] = Containers.ToString();
        gateway[$"services:{ResourceNames.Monitoring}:http:0"] = "http://127.0.0.1:9";
        Gateway = suite.Start<GatewayService::Program>(gateway).BaseAddress;
    }

    /// <summary>Starts a Containers service on the shared servers, with <paramref name="overrides"/> (e.g. another <c>Docker:Host</c>).</summary>
    public ServiceHost<ContainersService::Program> StartContainers(IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var settings = suite.Settings(ResourceNames.Containers);
        settings[$"services:{ResourceNames.Identity}:http:0"] = Identity.ToString();
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return suite.Start<ContainersService::Program>(settings);
    }

    /// <summary>A client for <paramref name="baseAddress"/> (default: the Gateway) signed in with <paramref name="role"/> (viewer, operator, admin; null: anonymous).</summary>
    public async Task<HttpClient> ClientAsync(string? role, Uri? baseAddress = null)
    {
        var client = new HttpClient { BaseAddress = baseAddress ?? Gateway, Timeout = TimeSpan.FromSeconds(60) };
        if (role is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await tokens.GetOrAdd(role, TokenForAsync));
        }

        return client;
    }

    /// <summary>Test containers: every one is removed when the returned object is disposed.</summary>
    public DockerTestContainers CreateTestContainers() => new(docker.Client);

    private async Task<string> TokenForAsync(string role)
    {
        using var anonymous = new HttpClient { BaseAddress = Gateway };
        var admin = await LoginAsync(anonymous, "admin", adminPassword);
        if (role == "admin")
        {
            return admin;
        }

        // A user of the role, created through Identity's API as an administrator would.
        var userName = $"{role}-{Guid.NewGuid():N}"[..24];
        var password = "Pw-" + Guid.NewGuid().ToString("N");
        using var asAdmin = new HttpClient { BaseAddress = Gateway };
        asAdmin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", admin);
        using var created = await asAdmin.PostAsJsonAsync("/api/v1/users", new { userName, password, role });
        created.EnsureSuccessStatusCode();
        return await LoginAsync(anonymous, userName, password);
    }

    private static async Task<string> LoginAsync(HttpClient client, string userName, string password)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { userName, password });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }

    public async ValueTask DisposeAsync()
    {
        await suite.DisposeAsync();
        await docker.DisposeAsync();
    }
}
