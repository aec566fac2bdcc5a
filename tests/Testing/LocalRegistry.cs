using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http;

namespace WakeDock.Testing;

/// <summary>
/// A real image registry for pull and push tests: Debian's <c>docker-registry</c> (distribution 2.x)
/// as a child process on a free 127.0.0.1 port, storing into a temporary folder that is deleted at
/// dispose. The engine treats registries on 127.0.0.0/8 as insecure (plain HTTP) by default, so
/// images are pushed to and pulled from <c>{Host}/name:tag</c> with no configuration. Use it as a
/// class fixture, or <see cref="StartAsync"/> and dispose.
/// </summary>
public sealed class LocalRegistry : IAsyncLifetime
{
    /// <summary>Where Debian's package puts the binary; <c>WAKEDOCK_DOCKER_REGISTRY</c> overrides it.</summary>
    public const string DefaultBinary = "/usr/bin/docker-registry";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private readonly ConcurrentQueue<string> output = new();
    private Process? process;
    private string? folder;

    /// <summary>The registry's port on 127.0.0.1.</summary>
    public int Port { get; private set; }

    /// <summary><c>127.0.0.1:port</c>: the prefix of image references in this registry.</summary>
    public string Host => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary><c>http://127.0.0.1:port/</c>, for the registry's own HTTP API (<c>/v2/…</c>).</summary>
    public Uri BaseAddress => new($"http://{Host}/");

    /// <summary>The last lines the registry wrote, for failure messages.</summary>
    public string RecentOutput => string.Join('\n', output);

    public static async Task<LocalRegistry> StartAsync(CancellationToken cancellationToken = default)
    {
        var registry = new LocalRegistry();
        try
        {
            await registry.StartCoreAsync(cancellationToken);
            return registry;
        }
        catch
        {
            await registry.DisposeAsync();
            throw;
        }
    }

    public async ValueTask InitializeAsync()
    {
        try
        {
            await StartCoreAsync(CancellationToken.None);
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    private async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        var binary = Environment.GetEnvironmentVariable("WAKEDOCK_DOCKER_REGISTRY") ?? DefaultBinary;
        if (!File.Exists(binary))
        {
            throw new InvalidOperationException(
                $"{binary} is missing: registry tests need Debian's docker-registry package; run scripts/setup.sh.");
        }

        folder = Directory.CreateTempSubdirectory("wakedock-registry-").FullName;
        Exception? last = null;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            Port = DockerTestContainers.GetFreeLoopbackPort();
            var config = Path.Combine(folder, "config.yml");
            await File.WriteAllTextAsync(config, Config(Path.Combine(folder, "data"), Port), cancellationToken);
            process = Launch(binary, config);
            try
            {
                await WaitUntilAnsweringAsync(cancellationToken);
                return;
            }
            catch (InvalidOperationException ex) when (process.HasExited)
            {
                // Most likely the port was taken between picking and binding: try another one.
                last = ex;
                process.Dispose();
                process = null;
            }
        }

        throw new InvalidOperationException("docker-registry did not start in three attempts.", last);
    }

    // No auth, deletes allowed, quiet logs; only the loopback address is bound.
    private static string Config(string storage, int port) => $"""
        version: 0.1
        log:
          level: warn
          accesslog:
            disabled: true
        storage:
          filesystem:
            rootdirectory: {storage}
          delete:
            enabled: true
        http:
          addr: 127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}
        """;

    private Process Launch(string binary, string config)
    {
        var started = new Process
        {
            StartInfo = new ProcessStartInfo(binary)
            {
                ArgumentList = { "serve", config },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            },
            EnableRaisingEvents = true,
        };
        started.OutputDataReceived += (_, line) => Remember(line.Data);
        started.ErrorDataReceived += (_, line) => Remember(line.Data);
        started.Start();
        started.BeginOutputReadLine();
        started.BeginErrorReadLine();
        return started;
    }

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }

        output.Enqueue(line);
        while (output.Count > 50)
        {
            output.TryDequeue(out _);
        }
    }

    private async Task WaitUntilAnsweringAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            if (process!.HasExited)
            {
                throw new InvalidOperationException($"docker-registry exited with {process.ExitCode}: {RecentOutput}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri(BaseAddress, "v2/"), cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // A slow answer: ask again.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"docker-registry did not answer on {BaseAddress}v2/ within {StartTimeout.TotalSeconds}s: {RecentOutput}");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>Stops the registry (this child process only) and deletes its storage.</summary>
    public async ValueTask DisposeAsync()
    {
        if (process is { } running)
        {
            process = null;
            try
            {
                if (!running.HasExited)
                {
                    running.Kill(entireProcessTree: true);
                }

                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await running.WaitForExitAsync(timeout.Token);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
            finally
            {
                running.Dispose();
            }
        }

        if (folder is not null && Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
