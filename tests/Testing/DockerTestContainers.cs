using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace WakeDock.Testing;

/// <summary>A busybox <c>httpd</c> container on the host network, listening on 127.0.0.1.</summary>
public sealed record DockerHttpdContainer(string Id, int Port)
{
    /// <summary><c>http://127.0.0.1:port/</c> — loopback only, never a bridge address.</summary>
    public Uri BaseAddress => new($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/");
}

/// <summary>
/// The containers one test (or one fixture) creates. Every container is labelled
/// <c>wakedock.test=true</c>, tracked from the moment it exists, and force-removed at dispose,
/// whether the test passed or not. Containers run with network mode <c>host</c> (bound to
/// 127.0.0.1) or <c>none</c>: tests never send traffic to a bridge address.
/// </summary>
public sealed class DockerTestContainers : IAsyncDisposable
{
    /// <summary>Label holding the id of the test process that created the container.</summary>
    public const string OwnerPidLabel = "wakedock.test.owner-pid";

    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(20);
    private readonly ConcurrentDictionary<string, bool> ids = new(StringComparer.Ordinal);
    private int disposed;

    public DockerTestContainers(DockerClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        Client = client;
    }

    public DockerClient Client { get; }

    /// <summary>Ids of the containers created so far and not yet removed.</summary>
    public IReadOnlyCollection<string> Ids => ids.Keys.ToArray();

    /// <summary>
    /// Creates and starts a container. The image defaults to the busybox test image (built on
    /// first use); the test labels are added; the id is tracked before the container starts.
    /// </summary>
    public async Task<string> StartAsync(CreateContainerParameters parameters, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);

        if (string.IsNullOrEmpty(parameters.Image) || parameters.Image == DockerTestImage.Name)
        {
            parameters.Image = DockerTestImage.Name;
            await DockerTestImage.EnsureAsync(Client, cancellationToken);
        }

        parameters.Name ??= "wakedock-test-" + Guid.NewGuid().ToString("N")[..12];
        parameters.Labels = new Dictionary<string, string>(parameters.Labels ?? new Dictionary<string, string>(), StringComparer.Ordinal)
        {
            [DockerTestImage.TestLabel] = "true",
            [OwnerPidLabel] = Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
        };
        parameters.HostConfig ??= new HostConfig();
        parameters.HostConfig.NetworkMode ??= "none";
        if (parameters.HostConfig.NetworkMode is not ("host" or "none"))
        {
            throw new ArgumentException(
                "Test containers run with network mode 'host' or 'none' only: tests never send traffic to a bridge address.",
                nameof(parameters));
        }

        var created = await Client.Containers.CreateContainerAsync(parameters, cancellationToken);
        ids[created.ID] = true;
        await Client.Containers.StartContainerAsync(created.ID, new ContainerStartParameters(), cancellationToken);
        return created.ID;
    }

    /// <summary>
    /// Starts busybox <c>httpd -f -p 127.0.0.1:PORT -h /www</c> on the host network with
    /// <paramref name="indexHtml"/> as <c>/www/index.html</c>, and waits until the port accepts.
    /// </summary>
    public async Task<DockerHttpdContainer> StartHttpdAsync(
        string indexHtml = "ok", IDictionary<string, string>? labels = null, CancellationToken cancellationToken = default)
    {
        Exception? last = null;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var port = GetFreeLoopbackPort();
            var id = await StartAsync(new CreateContainerParameters
            {
                Cmd =
                [
                    "sh", "-c",
                    "mkdir -p /www && printf '%s' \"$WAKEDOCK_INDEX\" > /www/index.html && " +
                    "exec httpd -f -p \"127.0.0.1:$WAKEDOCK_PORT\" -h /www",
                ],
                Env = [$"WAKEDOCK_INDEX={indexHtml}", $"WAKEDOCK_PORT={port.ToString(CultureInfo.InvariantCulture)}"],
                Labels = labels,
                HostConfig = new HostConfig { NetworkMode = "host" },
            }, cancellationToken);

            try
            {
                await WaitForLoopbackPortAsync(id, port, cancellationToken);
                return new DockerHttpdContainer(id, port);
            }
            catch (ContainerExitedException ex)
            {
                // Most likely the port was taken between picking and binding: try another one.
                last = ex;
                await RemoveAsync(id, cancellationToken);
            }
        }

        throw new InvalidOperationException("busybox httpd did not start in three attempts.", last);
    }

    /// <summary>
    /// Starts a container with network mode <c>none</c> that runs <paramref name="script"/>
    /// (a busybox <c>sh</c> script, may be empty) and then sleeps for an hour.
    /// </summary>
    public Task<string> StartSleeperAsync(
        string script = "", IDictionary<string, string>? labels = null, CancellationToken cancellationToken = default) =>
        StartAsync(new CreateContainerParameters
        {
            Cmd = ["sh", "-c", string.IsNullOrWhiteSpace(script) ? "exec sleep 3600" : script + "\nexec sleep 3600"],
            Labels = labels,
            HostConfig = new HostConfig { NetworkMode = "none" },
        }, cancellationToken);

    /// <summary>The container's standard output and error so far.</summary>
    public async Task<(string Stdout, string Stderr)> ReadLogsAsync(string id, CancellationToken cancellationToken = default)
    {
        using var stream = await Client.Containers.GetContainerLogsAsync(
            id, tty: false, new ContainerLogsParameters { ShowStdout = true, ShowStderr = true, Follow = false }, cancellationToken);
        return await stream.ReadOutputToEndAsync(cancellationToken);
    }

    /// <summary>Polls the logs until standard output contains <paramref name="text"/>.</summary>
    public async Task<string> WaitForLogAsync(string id, string text, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + (timeout ?? ReadyTimeout);
        while (true)
        {
            var (stdout, stderr) = await ReadLogsAsync(id, cancellationToken);
            if (stdout.Contains(text, StringComparison.Ordinal))
            {
                return stdout;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Container {Short(id)} did not log '{text}'. stdout: {stdout} stderr: {stderr}");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>Force-removes one container now (it is no longer tracked).</summary>
    public async Task RemoveAsync(string id, CancellationToken cancellationToken = default)
    {
        try
        {
            await Client.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, cancellationToken);
        }
        catch (DockerContainerNotFoundException)
        {
            // Already gone.
        }

        ids.TryRemove(id, out _);
    }

    /// <summary>Force-removes every tracked container; reports failures after trying them all.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        var failures = new List<Exception>();
        foreach (var id in ids.Keys.ToArray())
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await RemoveAsync(id, timeout.Token);
            }
            catch (Exception ex) when (ex is DockerApiException or OperationCanceledException or HttpRequestException or IOException)
            {
                failures.Add(new InvalidOperationException($"Could not remove test container {Short(id)}: {ex.Message}", ex));
            }
        }

        if (failures.Count > 0)
        {
            throw new AggregateException("Some test containers could not be removed.", failures);
        }
    }

    /// <summary>A TCP port on 127.0.0.1 that was free a moment ago.</summary>
    public static int GetFreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>
    /// Removes test containers left behind by test processes that no longer run (a crashed or
    /// killed run). Containers of live processes — a parallel test project — are left alone.
    /// </summary>
    public static async Task RemoveOrphansAsync(DockerClient client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var containers = await client.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = new Dictionary<string, bool> { [DockerTestImage.TestLabel + "=true"] = true },
            },
        }, cancellationToken);

        foreach (var container in containers)
        {
            if (container.Labels is null
                || !container.Labels.TryGetValue(OwnerPidLabel, out var owner)
                || !int.TryParse(owner, NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                || pid == Environment.ProcessId
                || DockerEngineFixture.ProcessIsAlive(pid))
            {
                continue;
            }

            try
            {
                await client.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true }, cancellationToken);
            }
            catch (DockerApiException)
            {
                // Someone else removed it, or the engine refuses: not this run's problem.
            }
        }
    }

    private async Task WaitForLoopbackPortAsync(string id, int port, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + ReadyTimeout;
        while (true)
        {
            using (var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
            {
                try
                {
                    await socket.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                    return;
                }
                catch (SocketException)
                {
                    // Not listening yet.
                }
            }

            var state = (await Client.Containers.InspectContainerAsync(id, cancellationToken)).State;
            if (state is { Running: false })
            {
                var (stdout, stderr) = await ReadLogsAsync(id, cancellationToken);
                throw new ContainerExitedException(
                    $"Container {Short(id)} exited with {state.ExitCode} before 127.0.0.1:{port} accepted. stdout: {stdout} stderr: {stderr}");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Container {Short(id)} did not accept on 127.0.0.1:{port} within {ReadyTimeout.TotalSeconds}s.");
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    private static string Short(string id) => id.Length > 12 ? id[..12] : id;

    private sealed class ContainerExitedException(string message) : Exception(message);
}
