namespace WakeDock.AppHost.Hosting;

/// <summary>
/// Pid files (<c>pid starttime</c>) the AppHost writes for every child group it launches, so that
/// after a hard crash the next start can kill what was left behind — and only that.
/// </summary>
public sealed class PidFiles(string directory)
{
    public string Directory { get; } = directory;

    public void Write(string name, int pid)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var start = Native.StartTime(pid)?.ToString(CultureInfo.InvariantCulture) ?? "0";
        File.WriteAllText(PathOf(name), $"{pid} {start}\n");
    }

    public void Remove(string name) => File.Delete(PathOf(name));

    /// <summary>Kills every process group recorded here that is still alive with the same start time.</summary>
    public async Task<IReadOnlyList<string>> KillStaleAsync()
    {
        var killed = new List<string>();
        if (!System.IO.Directory.Exists(Directory))
        {
            return killed;
        }
        foreach (var file in System.IO.Directory.GetFiles(Directory, "*.pid"))
        {
            var parts = File.ReadAllText(file).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (parts.Length == 2 && int.TryParse(parts[0], CultureInfo.InvariantCulture, out var pid)
                && Native.StartTime(pid)?.ToString(CultureInfo.InvariantCulture) == parts[1])
            {
                Native.SignalGroup(pid, Native.SIGTERM);
                for (var i = 0; i < 100 && Native.GroupAlive(pid); i++)
                {
                    await Task.Delay(100);
                }
                Native.SignalGroup(pid, Native.SIGKILL);
                killed.Add(Path.GetFileNameWithoutExtension(file));
            }
            File.Delete(file);
        }
        return killed;
    }

    private string PathOf(string name) => Path.Combine(Directory, name + ".pid");
}
