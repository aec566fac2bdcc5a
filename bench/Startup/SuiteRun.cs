using System.Diagnostics;
using System.Globalization;
using WakeDock.AppHost.Hosting;

namespace WakeDock.Bench.Startup;

public sealed record ResourceMemory(int Processes, long RssBytes);

public sealed record SuiteMeasurement(TimeSpan Elapsed, IReadOnlyDictionary<string, ResourceMemory> Memory);

/// <summary>One start of the AppHost's built dll, timed until apphost.json says everything is healthy.</summary>
public static class SuiteRun
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(180);

    /// <summary>The README's run command: set-up checks, build, then the AppHost (which it execs).</summary>
    public static ProcessStartInfo RunCommand(string dataDir)
        => Command(Path.Combine(RepoPaths.RepoRoot, "scripts", "run.sh"), "--data-dir", dataDir, "--http-port", "0");

    /// <summary>The built AppHost alone, without set-up and build.</summary>
    public static ProcessStartInfo AppHostOnly(string dataDir)
        => Command("dotnet", Path.Combine(RepoPaths.RepoRoot, "AppHost", "bin", RepoPaths.Configuration, "net10.0", "WakeDock.AppHost.dll"), "--data-dir", dataDir, "--http-port", "0");

    private static ProcessStartInfo Command(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepoPaths.RepoRoot };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }

    public static async Task<SuiteMeasurement> TimeToHealthyAsync(ProcessStartInfo start, string dataDir, TimeSpan idle)
    {

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the AppHost");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            AppHostStatus? status = null;
            while (status?.State != "running")
            {
                if (process.HasExited || clock.Elapsed > Limit)
                {
                    throw new InvalidOperationException($"the suite did not become healthy within {Limit.TotalSeconds} s");
                }

                await Task.Delay(50);
                status = TryRead(dataDir);
            }

            var elapsed = clock.Elapsed;
            Console.WriteLine($"all healthy after {elapsed.TotalSeconds:F1} s");
            await Task.Delay(idle);
            var memory = (TryRead(dataDir) ?? status).Resources
                .Where(resource => resource.Value.Pid is not null)
                .ToDictionary(resource => resource.Key, resource => MemoryOfTree(resource.Value.Pid!.Value));
            return new SuiteMeasurement(elapsed, memory);
        }
        finally
        {
            Native.Signal(process.Id, Native.SIGTERM);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            await process.WaitForExitAsync(timeout.Token);
        }
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

    /// <summary>Sums VmRSS over a process and all its descendants (RabbitMQ is several processes).</summary>
    private static ResourceMemory MemoryOfTree(int root)
    {
        var parentOf = new Dictionary<int, int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), CultureInfo.InvariantCulture, out var pid) && ParentOf(pid) is { } parent)
            {
                parentOf[pid] = parent;
            }
        }

        var tree = new HashSet<int> { root };
        bool grew;
        do
        {
            grew = false;
            foreach (var (pid, parent) in parentOf)
            {
                if (tree.Contains(parent) && tree.Add(pid))
                {
                    grew = true;
                }
            }
        }
        while (grew);

        return new ResourceMemory(tree.Count, tree.Sum(RssBytes));
    }

    private static int? ParentOf(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
        }
        catch (Exception exception) when (exception is IOException or FormatException)
        {
            return null;
        }
    }

    private static long RssBytes(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
