using System.Collections.Concurrent;
using System.Text.Json;
using WakeDock.AppHost.Hosting;

namespace WakeDock.EndToEnd.Tests;

/// <summary>
/// The AppHost started as a user starts it (its built dll, a data folder of its own, a free public
/// port), with its console captured. Disposing stops it and removes the data folder, even when
/// the test failed.
/// </summary>
public sealed class AppHostRun : IAsyncDisposable
{
    private readonly Process process;
    private readonly ConcurrentQueue<string> output = new();

    private AppHostRun(Process process, string dataDir)
    {
        this.process = process;
        DataDir = dataDir;
        process.OutputDataReceived += (_, line) => Record(line.Data);
        process.ErrorDataReceived += (_, line) => Record(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string DataDir { get; }

    public int Pid => process.Id;

    public IReadOnlyCollection<string> Output => output;

    public string OutputTail => string.Join('\n', output.TakeLast(60));

    public static string AppHostDll => Path.Combine(RepoPaths.RepoRoot, "AppHost", "bin", RepoPaths.Configuration, "net10.0", "WakeDock.AppHost.dll");

    public static AppHostRun Start()
    {
        var dataDir = Directory.CreateTempSubdirectory("wakedock-e2e-").FullName;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepoPaths.RepoRoot,
        };
        foreach (var argument in new[] { AppHostDll, "--data-dir", dataDir, "--http-port", "0" })
        {
            start.ArgumentList.Add(argument);
        }

        return new AppHostRun(Process.Start(start) ?? throw new InvalidOperationException("could not start the AppHost"), dataDir);
    }

    public AppHostStatus? Status()
    {
        try
        {
            return AppHostStatus.Read(DataDir);
        }
        catch (Exception exception) when (exception is IOException or JsonException)
        {
            return null;
        }
    }

    /// <summary>Waits, bounded, until <paramref name="condition"/> holds for the status file.</summary>
    public async Task<AppHostStatus> WaitForAsync(Func<AppHostStatus, bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (Status() is { } status && condition(status))
            {
                return status;
            }

            Assert.False(process.HasExited, $"the AppHost exited (code {ExitCodeOrNone()}) while waiting for {what}:\n{OutputTail}");
            await Task.Delay(200);
        }

        throw new TimeoutException($"timed out after {timeout.TotalSeconds} s waiting for {what}:\n{OutputTail}");
    }

    /// <summary>Sends SIGTERM, as a service manager or Ctrl+C would, and waits for the exit code.</summary>
    public async Task<int> StopAsync(TimeSpan timeout)
    {
        Native.Signal(process.Id, Native.SIGTERM);
        using var cancellation = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cancellation.Token);
        return process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            var leftovers = ProcessTree.Descendants(process.Id);
            try
            {
                await StopAsync(TimeSpan.FromSeconds(60));
            }
            catch (OperationCanceledException)
            {
                // It did not stop: end what it started, by the PIDs we saw, and then it.
                foreach (var child in leftovers.Where(child => child.IsStillRunning()))
                {
                    Native.Signal(child.Pid, Native.SIGKILL);
                }

                process.Kill(entireProcessTree: true);
            }
        }

        process.Dispose();
        if (Directory.Exists(DataDir))
        {
            Directory.Delete(DataDir, recursive: true);
        }
    }

    private string ExitCodeOrNone() => process.HasExited ? process.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture) : "none";

    private void Record(string? line)
    {
        if (line is not null)
        {
            output.Enqueue(line);
        }
    }
}
