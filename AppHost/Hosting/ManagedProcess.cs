namespace WakeDock.AppHost.Hosting;

/// <summary>How to launch a child process.</summary>
public sealed record ProcessSpec(string Name, string FileName, IReadOnlyList<string> Arguments)
{
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();
    public string? WorkingDirectory { get; init; }

    /// <summary>Run as this Unix user (postgres and rabbitmq refuse or drop root).</summary>
    public string? UserName { get; init; }
}

/// <summary>
/// A child process started in its own session via <c>setsid</c> (which execs, so the pid is the
/// group id): stopping signals the whole group, so wrappers and grandchildren never linger.
/// Each output line goes to the sink prefixed with the resource name.
/// </summary>
public sealed class ManagedProcess : IAsyncDisposable
{
    private static readonly RequiredBinary SetSid = new("setsid", "util-linux");

    private readonly Process _process;
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ManagedProcess(Process process, string name)
    {
        _process = process;
        Name = name;
    }

    public string Name { get; }
    public int Pid { get; private set; }
    public Task<int> Exited => _exited.Task;
    public bool HasExited => _exited.Task.IsCompleted;

    public static ManagedProcess Start(ProcessSpec spec, IOutputSink sink, BinaryLocator? locator = null)
    {
        var psi = new ProcessStartInfo(( locator ?? BinaryLocator.Default).Find(SetSid))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = spec.WorkingDirectory ?? System.Environment.CurrentDirectory,
        };
        psi.ArgumentList.Add(spec.FileName);
        foreach (var arg in spec.Arguments)
        {
            psi.ArgumentList.Add(arg);
        }
        foreach (var (key, value) in spec.Environment)
        {
            psi.Environment[key] = value;
        }
        if (spec.UserName is not null)
        {
            psi.UserName = spec.UserName;
        }

        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var managed = new ManagedProcess(process, spec.Name);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { sink.Line(spec.Name, e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { sink.Line(spec.Name, e.Data, isError: true); } };
        process.Exited += (_, _) => managed._exited.TrySetResult(SafeExitCode(process));
        process.Start();
        managed.Pid = process.Id;
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return managed;
    }

    public bool Signal(int signal) => !HasExited && Native.Signal(Pid, signal);

    /// <summary>
    /// Sends <paramref name="signal"/> to the main process, waits up to <paramref name="grace"/>,
    /// then SIGKILLs the whole group; returns once the main process has exited.
    /// </summary>
    public async Task StopAsync(int signal, TimeSpan grace, bool signalGroup = false)
    {
        if (!HasExited)
        {
            if (signalGroup) { Native.SignalGroup(Pid, signal); } else { Native.Signal(Pid, signal); }
            await Task.WhenAny(Exited, Task.Delay(grace));
        }
        KillGroup();
        await Task.WhenAny(Exited, Task.Delay(TimeSpan.FromSeconds(10)));
        // Stragglers of the group (e.g. helper processes) must not outlive their leader.
        for (var i = 0; i < 50 && Native.GroupAlive(Pid); i++)
        {
            KillGroup();
            await Task.Delay(100);
        }
    }

    public void KillGroup()
    {
        Native.SignalGroup(Pid, Native.SIGKILL);
        if (!HasExited)
        {
            Native.Signal(Pid, Native.SIGKILL);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!HasExited || Native.GroupAlive(Pid))
        {
            await StopAsync(Native.SIGKILL, TimeSpan.Zero);
        }
        try { await _process.WaitForExitAsync(); } catch (InvalidOperationException) { }
        _process.Dispose();
    }

    private static int SafeExitCode(Process process)
    {
        try { return process.ExitCode; }
        catch (InvalidOperationException) { return -1; }
    }
}
