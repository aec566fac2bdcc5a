using System.Diagnostics;
using Docker.DotNet;
using Docker.DotNet.Models;
using Xunit;

namespace WakeDock.Testing;

/// <summary>
/// A connection to the local Docker engine for tests: <c>DOCKER_HOST</c>, or the default
/// <c>unix:///var/run/docker.sock</c>, spoken to at API 1.41 (Debian's Engine 20.10).
/// Fails with a clear message when no engine answers. Use it as a class or assembly fixture;
/// <see cref="DockerTestImageFixture"/> adds the local busybox test image.
/// </summary>
public class DockerEngineFixture : IAsyncLifetime
{
    /// <summary>The engine API version the tests speak (Docker Engine 20.10 on Debian 12).</summary>
    public static readonly System.Version ApiVersion = new(1, 41);

    /// <summary>The engine's default endpoint when <c>DOCKER_HOST</c> is not set.</summary>
    public const string DefaultEndpoint = "unix:///var/run/docker.sock";

    private static int orphansSwept;
    private readonly DockerClientConfiguration configuration;

    public DockerEngineFixture()
    {
        Endpoint = ResolveEndpoint();
        configuration = new DockerClientConfiguration(Endpoint);
        Client = configuration.CreateClient(ApiVersion);
    }

    /// <summary>Where the engine is reached.</summary>
    public Uri Endpoint { get; }

    /// <summary>The Docker client; shared by every test that uses this fixture.</summary>
    public DockerClient Client { get; }

    /// <summary>The engine's version as it reported it when the fixture started.</summary>
    public VersionResponse? EngineVersion { get; private set; }

    /// <summary><c>DOCKER_HOST</c> when set, else <see cref="DefaultEndpoint"/>.</summary>
    public static Uri ResolveEndpoint()
    {
        var host = Environment.GetEnvironmentVariable("DOCKER_HOST");
        return new Uri(string.IsNullOrWhiteSpace(host) ? DefaultEndpoint : host);
    }

    public virtual async ValueTask InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await Client.System.PingAsync(timeout.Token);
            EngineVersion = await Client.System.GetVersionAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new InvalidOperationException(
                $"No Docker engine answers at {Endpoint}: run scripts/setup.sh (it installs docker.io " +
                $"and starts dockerd), or point DOCKER_HOST at a running engine. ({ex.GetType().Name}: {ex.Message})",
                ex);
        }

        if (Interlocked.Exchange(ref orphansSwept, 1) == 0)
        {
            await DockerTestContainers.RemoveOrphansAsync(Client, CancellationToken.None);
        }
    }

    /// <summary>A new set of tracked test containers; dispose it to force-remove them all.</summary>
    public DockerTestContainers CreateContainers() => new(Client);

    public virtual ValueTask DisposeAsync()
    {
        Client.Dispose();
        configuration.Dispose();
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    internal static int CurrentProcessId => Environment.ProcessId;

    internal static bool ProcessIsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
