using System.Diagnostics;
using System.Globalization;
using WakeDock.Bench;

namespace WakeDock.Bench.Startup;

public sealed record ResourceMemory(int Processes, long RssBytes);

public sealed record SuiteMeasurement(TimeSpan Elapsed, IReadOnlyDictionary<string, ResourceMemory> Memory);

/// <summary>One start of the suite, timed until everything is healthy, with memory read once idle.</summary>
public static class SuiteRun
{
    public static async Task<SuiteMeasurement> TimeToHealthyAsync(ProcessStartInfo start, string dataDir, TimeSpan idle)
    {
        await using var suite = await SuiteProcess.StartAsync(start, dataDir);
        Console.WriteLine($"all healthy after {suite.TimeToHealthy.TotalSeconds:F1} s");
        await Task.Delay(idle);
        var memory = suite.Current().Resources
            .Where(resource => resource.Value.Pid is not null)
            .ToDictionary(resource => resource.Key, resource => MemoryOfTree(resource.Value.Pid!.Value));
        return new SuiteMeasurement(suite.TimeToHealthy, memory);
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
