using System.Globalization;
using WakeDock.AppHost.Hosting;

namespace WakeDock.EndToEnd.Tests;

/// <summary>A process seen in /proc; its start time tells it apart from a later process reusing the PID.</summary>
public sealed record ProcessSnapshot(int Pid, int ParentPid, long StartTime, string Command)
{
    public bool IsStillRunning() => Native.StartTime(Pid) == StartTime && !ProcessTree.IsZombie(Pid);
}

/// <summary>Reads process trees from /proc, to check that nothing outlives the AppHost.</summary>
public static class ProcessTree
{
    public static IReadOnlyList<ProcessSnapshot> Descendants(int rootPid)
    {
        var all = Directory.EnumerateDirectories("/proc")
            .Select(Path.GetFileName)
            .Where(name => !string.IsNullOrEmpty(name) && name.All(char.IsDigit))
            .Select(name => Read(int.Parse(name!, CultureInfo.InvariantCulture)))
            .OfType<ProcessSnapshot>()
            .ToList();

        var result = new List<ProcessSnapshot>();
        var parents = new HashSet<int> { rootPid };
        List<ProcessSnapshot> children;
        do
        {
            children = [.. all.Where(p => parents.Contains(p.ParentPid) && !result.Contains(p))];
            result.AddRange(children);
            parents.UnionWith(children.Select(child => child.Pid));
        }
        while (children.Count > 0);

        return result;
    }

    private static ProcessSnapshot? Read(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var close = stat.LastIndexOf(')');
            var fields = stat[(close + 2)..].Split(' ');
            var command = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim();
            return new ProcessSnapshot(
                pid,
                int.Parse(fields[1], CultureInfo.InvariantCulture),
                long.Parse(fields[19], CultureInfo.InvariantCulture),
                command.Length == 0 ? stat[(stat.IndexOf('(', StringComparison.Ordinal) + 1)..close] : command);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    public static bool IsZombie(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
        }
        catch (IOException)
        {
            return false;
        }
    }
}
