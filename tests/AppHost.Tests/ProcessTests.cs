namespace WakeDock.AppHost.Tests;

/// <summary>Process supervision: groups, restarts with backoff, stale children of a crashed AppHost.</summary>
public sealed class ProcessTests : IDisposable
{
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("wakedock-proc-");

    public void Dispose() => _temp.Delete(recursive: true);

    [Fact]
    public async Task Stopping_a_process_kills_its_grandchildren()
    {
        var sink = new MemoryOutputSink();
        // A shell that starts a background sleeper and ignores SIGTERM: only the group kill ends both.
        var process = ManagedProcess.Start(new ProcessSpec("sh", "/bin/sh", ["-c", "trap '' TERM; sleep 300 & echo started; wait"]), sink);
        for (var i = 0; i < 50 && !sink.Lines.Any(l => l.EndsWith("started", StringComparison.Ordinal)); i++)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
        Assert.True(Native.GroupAlive(process.Pid));
        await process.StopAsync(Native.SIGTERM, TimeSpan.FromMilliseconds(500));
        await process.DisposeAsync();
        Assert.False(Native.GroupAlive(process.Pid));
        Assert.Contains("sh | started", sink.Lines);
    }

    [Fact]
    public async Task A_crashing_project_is_restarted_with_growing_delays()
    {
        var sink = new MemoryOutputSink();
        var project = new ProjectResource("crasher", "crasher/crasher.csproj");
        var url = $"http://127.0.0.1:{PortAllocator.GetFreePort()}";
        var runner = new ProjectRunner(project, new ProcessSpec("crasher", "/bin/sh", ["-c", "echo up; exit 3"]), url, sink, null);

        var start = runner.StartAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        await Assert.ThrowsAsync<TimeoutException>(() => start);
        // Within 5 s: exits, 1 s wait, exits, 2 s wait, exits → at least two restarts, logged as such.
        Assert.InRange(runner.Restarts, 2, 3);
        Assert.Contains(sink.Lines, l => l.Contains("crasher exited with code 3; restarting in 1 s (restart #1)", StringComparison.Ordinal));
        Assert.Contains(sink.Lines, l => l.Contains("restarting in 2 s (restart #2)", StringComparison.Ordinal));
        await runner.StopAsync();
        Assert.Equal(ResourceState.Stopped, runner.State);
    }

    [Fact]
    public async Task Children_left_by_a_crashed_AppHost_are_killed_on_the_next_start()
    {
        var pidFiles = new PidFiles(Path.Combine(_temp.FullName, "pids"));
        var orphan = ManagedProcess.Start(new ProcessSpec("orphan", "/bin/sleep", ["300"]), new MemoryOutputSink());
        pidFiles.Write("orphan", orphan.Pid);

        var killed = await new PidFiles(pidFiles.Directory).KillStaleAsync();

        Assert.Equal(["orphan"], killed);
        await orphan.Exited.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.False(Native.GroupAlive(orphan.Pid));
        Assert.Empty(Directory.GetFiles(pidFiles.Directory));
        await orphan.DisposeAsync();
    }

    [Fact]
    public async Task A_pid_file_of_a_reused_pid_is_not_acted_on()
    {
        var pidFiles = new PidFiles(Path.Combine(_temp.FullName, "pids"));
        Directory.CreateDirectory(pidFiles.Directory);
        // Our own pid with a wrong start time: a different process now holds that pid.
        await File.WriteAllTextAsync(Path.Combine(pidFiles.Directory, "old.pid"), $"{Environment.ProcessId} 1\n", TestContext.Current.CancellationToken);
        Assert.Empty(await pidFiles.KillStaleAsync());
        Assert.True(Native.IsAlive(Environment.ProcessId));
    }
}
