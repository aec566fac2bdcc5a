using WakeDock.AppHost.Hosting;

namespace WakeDock.AppHost.Backing;

/// <summary>A native server process (postgres, redis, rabbitmq, caddy) living in a folder of its own.</summary>
public interface IBackingServer : IAsyncDisposable
{
    string Name { get; }
    int Port { get; }
    int? Pid { get; }

    /// <summary>Client connection string, password included: hand it to clients, never print it.</summary>
    string ConnectionString { get; }

    /// <summary>What may be shown to a person (no secrets).</summary>
    string DisplayEndpoint { get; }

    Task StartAsync(CancellationToken ct = default);
    Task<bool> CheckHealthAsync(CancellationToken ct = default);
    Task WaitHealthyAsync(TimeSpan timeout, CancellationToken ct = default);
    Task StopAsync();
}

/// <summary>Shared plumbing: folder, binary lookup, process, health polling, pid files.</summary>
public abstract class BackingServer : IBackingServer
{
    protected BackingServer(string name, string directory, int port, IOutputSink sink, BinaryLocator? locator, PidFiles? pidFiles)
    {
        Name = name;
        Directory = Path.GetFullPath(directory);
        Port = port == 0 ? PortAllocator.GetFreePort() : port;
        Sink = sink;
        Locator = locator ?? BinaryLocator.Default;
        PidFiles = pidFiles;
    }

    public string Name { get; }
    public string Directory { get; }
    public int Port { get; }
    public int? Pid => Process?.Pid;
    public abstract string ConnectionString { get; }
    public abstract string DisplayEndpoint { get; }
    protected IOutputSink Sink { get; }
    protected BinaryLocator Locator { get; }
    protected PidFiles? PidFiles { get; }
    protected ManagedProcess? Process { get; private set; }

    /// <summary>Completes when the server process exits (after start).</summary>
    public Task<int> Exited => Process?.Exited ?? Task.FromResult(0);

    public abstract Task StartAsync(CancellationToken ct = default);
    public abstract Task<bool> CheckHealthAsync(CancellationToken ct = default);
    public abstract Task StopAsync();

    /// <summary>The periodic check once healthy; servers whose full check is noisy make it lighter.</summary>
    public virtual Task<bool> CheckLiveAsync(CancellationToken ct = default) => CheckHealthAsync(ct);

    public async Task WaitHealthyAsync(TimeSpan timeout, CancellationToken ct = default)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (Process is { HasExited: true } p)
            {
                throw new InvalidOperationException($"{Name} exited with code {p.Exited.Result} before becoming healthy");
            }
            try
            {
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct);
                attempt.CancelAfter(TimeSpan.FromSeconds(5));
                if (await CheckHealthAsync(attempt.Token))
                {
                    return;
                }
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
            }
            if (deadline.Elapsed > timeout)
            {
                throw new TimeoutException($"{Name} did not become healthy within {timeout.TotalSeconds:0} s");
            }
            await Task.Delay(200, ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        GC.SuppressFinalize(this);
    }

    protected ManagedProcess Launch(ProcessSpec spec, string? pidName = null)
    {
        var process = ManagedProcess.Start(spec, Sink, Locator);
        PidFiles?.Write(pidName ?? Name, process.Pid);
        if (pidName is null)
        {
            Process = process;
        }
        return process;
    }

    protected async Task StopProcessAsync(ManagedProcess? process, int signal, TimeSpan grace, string? pidName = null)
    {
        if (process is null)
        {
            return;
        }
        await process.StopAsync(signal, grace);
        await process.DisposeAsync();
        PidFiles?.Remove(pidName ?? Name);
    }

    /// <summary>Runs a short helper command to completion (initdb, chown), its output prefixed like the server's.</summary>
    protected async Task RunToCompletionAsync(ProcessSpec spec, CancellationToken ct)
    {
        await using var helper = ManagedProcess.Start(spec, Sink, Locator);
        var code = await helper.Exited.WaitAsync(ct);
        if (code != 0)
        {
            throw new InvalidOperationException($"{Name}: {Path.GetFileName(spec.FileName)} failed with exit code {code}");
        }
    }

    /// <summary>Gives a folder tree to a service user; its parents must stay traversable for it.</summary>
    protected async Task ChownAsync(string path, string user, CancellationToken ct)
    {
        await RunToCompletionAsync(new ProcessSpec(Name, Locator.Find(new RequiredBinary("chown", "coreutils")), ["-R", $"{user}:", path]), ct);
        MakeParentsTraversable(path);
    }

    /// <summary>Temp folders are 0700: a service user needs search (x) permission on every parent.</summary>
    private static void MakeParentsTraversable(string path)
    {
        for (var dir = Path.GetDirectoryName(path); !string.IsNullOrEmpty(dir) && dir != "/"; dir = Path.GetDirectoryName(dir))
        {
            var mode = File.GetUnixFileMode(dir);
            if ((mode & UnixFileMode.OtherExecute) == 0)
            {
                File.SetUnixFileMode(dir, mode | UnixFileMode.OtherExecute);
            }
        }
    }

    /// <summary>Writes a file only its owner can read (it holds a password).</summary>
    protected static void WriteSecretFile(string path, string content)
    {
        File.WriteAllText(path, content);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }
}
