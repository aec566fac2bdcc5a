using System.Runtime.InteropServices;

namespace WakeDock.AppHost.Hosting;

/// <summary>The few POSIX calls .NET has no API for: signalling a pid or a whole process group.</summary>
public static partial class Native
{
    public const int SIGINT = 2;
    public const int SIGQUIT = 3;
    public const int SIGKILL = 9;
    public const int SIGTERM = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    /// <summary>Sends a signal to one process; false when it no longer exists.</summary>
    public static bool Signal(int pid, int signal) => pid > 0 && Kill(pid, signal) == 0;

    /// <summary>Sends a signal to every process of a group (our children run as group leaders via setsid).</summary>
    public static bool SignalGroup(int pgid, int signal) => pgid > 0 && Kill(-pgid, signal) == 0;

    public static bool IsAlive(int pid) => pid > 0 && Kill(pid, 0) == 0;

    /// <summary>True while any process of the group is alive (zombies of ours excluded by the caller reaping them).</summary>
    public static bool GroupAlive(int pgid) => pgid > 0 && Kill(-pgid, 0) == 0;

    /// <summary>The kernel's start time of a process (clock ticks since boot), to tell a pid apart from a reused one.</summary>
    public static long? StartTime(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name (field 2) may contain spaces: fields after it start past the last ')'.
            var rest = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(rest[19], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}
