using System.Diagnostics;
using WakeDock.AppHost.Hosting;

namespace WakeDock.Bench;

/// <summary>
/// One run of the suite for a benchmark: the README's run command (or the built AppHost alone),
/// on its own data folder, until it is disposed (SIGTERM, then wait for a clean exit).
/// </summary>
public sealed class SuiteProcess : IAsyncDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(180);
    private readonly Process process;

    private SuiteProcess(Process process, string dataDir, TimeSpan timeToHealthy, AppHostStatus status)
    {
        this.process = process;
        DataDir = dataDir;
        TimeToHealthy = timeToHealthy;
        Status = status;
    }

    public string DataDir { get; }

    public TimeSpan TimeToHealthy { get; }

    /// <summary>apphost.json when everything became healthy.</summary>
    public AppHostStatus Status { get; }

    /// <summary>The README's run command: set-up checks, build, then the AppHost (which it execs).</summary>
    public static ProcessStartInfo RunCommand(string dataDir)
        => Command(Path.Combine(RepoPaths.RepoRoot, "scripts", "run.sh"), "--data-dir", dataDir, "--http-port", "0");

    /// <summary>The built AppHost alone, without set-up and build.</summary>
    public static ProcessStartInfo AppHostOnly(string dataDir)
        => Command("dotnet", Path.Combine(RepoPaths.RepoRoot, "AppHost", "bin", RepoPaths.Configuration, "net10.0", "WakeDock.AppHost.dll"), "--data-dir", dataDir, "--http-port", "0");

    /// <summary>Starts the command and waits (bounded) until apphost.json says every resource is healthy.</summary>
    public static async Task<SuiteProcess> StartAsync(ProcessStartInfo start, string dataDir)
    {
        ArgumentNullException.ThrowIfNull(start);
        var clock = Stopwatch.StartNew();
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the AppHost");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        AppHostStatus? status = null;
        while (status?.State != "running")
        {
            if (process.HasExited || clock.Elapsed > Limit)
            {
                await StopAsync(process);
                throw new InvalidOperationException($"the suite did not become healthy within {Limit.TotalSeconds} s");
            }

            await Task.Delay(50);
            status = TryRead(dataDir);
        }

        return new SuiteProcess(process, dataDir, clock.Elapsed, status);
    }

    public AppHostStatus Current() => TryRead(DataDir) ?? Status;

    public async ValueTask DisposeAsync()
    {
        await StopAsync(process);
        process.Dispose();
    }

    private static async Task StopAsync(Process process)
    {
        if (process.HasExited)
        {
            return;
        }

        Native.Signal(process.Id, Native.SIGTERM);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
    }

    private static ProcessStartInfo Command(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepoPaths.RepoRoot };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }

    private static AppHostStatus? TryRead(string dataDir)
    {
        try
        {
            return AppHostStatus.Read(dataDir);
        }
        catch (Exception exception) when (exception is IOException or System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
