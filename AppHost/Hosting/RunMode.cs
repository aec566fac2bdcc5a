using System.Runtime.InteropServices;
using WakeDock.AppHost.Model;

namespace WakeDock.AppHost.Hosting;

/// <summary>The console side of run mode: signals, the resource table, exit codes.</summary>
public static class RunMode
{
    public static async Task<int> RunAsync(AppModel model, AppHostOptions options)
    {
        var sink = new ConsoleOutputSink { Width = model.Runnable.Max(r => r.Name.Length) };
        using var shutdown = new CancellationTokenSource();
        // Ctrl+C and SIGTERM both mean "stop everything cleanly and exit 0".
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            if (!shutdown.IsCancellationRequested)
            {
                sink.Line("apphost", $"{context.Signal} received: stopping");
                shutdown.Cancel();
            }
        }
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);

        var dataDir = options.DataDir ?? RepoPaths.DefaultDataDir;
        await using var orchestrator = new Orchestrator(model, new OrchestratorOptions
        {
            DataDir = dataDir,
            RepoRoot = RepoPaths.RepoRoot,
            Configuration = RepoPaths.Configuration,
            HttpPort = options.HttpPort,
            HealthTimeout = options.HealthTimeout,
            Sink = sink,
        });
        try
        {
            await orchestrator.PrepareAsync();
        }
        catch (Exception e) when (e is MissingBinaryException or FileNotFoundException or InvalidOperationException)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 2;
        }

        sink.Line("apphost", $"starting WakeDock (data: {orchestrator.DataDir})");
        var clock = Stopwatch.StartNew();
        try
        {
            await orchestrator.StartAsync(shutdown.Token);
        }
        catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
        {
            await orchestrator.StopAsync();
            return 0;
        }
        catch (Exception e)
        {
            sink.Line("apphost", $"start failed: {e.Message}", isError: true);
            await orchestrator.StopAsync();
            return 1;
        }

        PrintTable(orchestrator, clock.Elapsed);
        try
        {
            await Task.Delay(Timeout.Infinite, shutdown.Token);
        }
        catch (OperationCanceledException)
        {
        }
        await orchestrator.StopAsync();
        sink.Line("apphost", "stopped");
        return 0;
    }

    private static void PrintTable(Orchestrator orchestrator, TimeSpan elapsed)
    {
        var rows = orchestrator.Runners
            .Select(r => (r.Name, r.Resource.Kind, State: r.State.ToString().ToLowerInvariant(), r.DisplayUrl, Pid: r.Pid?.ToString(CultureInfo.InvariantCulture) ?? "-"))
            .ToList();
        var w = new[] { rows.Max(r => r.Name.Length), rows.Max(r => r.Kind.Length), rows.Max(r => r.State.Length), rows.Max(r => r.DisplayUrl.Length) }
            .Select(x => Math.Max(x, 8)).ToArray();
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{"NAME".PadRight(w[0])}  {"TYPE".PadRight(w[1])}  {"STATE".PadRight(w[2])}  {"ENDPOINT".PadRight(w[3])}  PID");
        foreach (var r in rows)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{r.Name.PadRight(w[0])}  {r.Kind.PadRight(w[1])}  {r.State.PadRight(w[2])}  {r.DisplayUrl.PadRight(w[3])}  {r.Pid}");
        }
        text.AppendLine();
        foreach (var (name, cs) in orchestrator.DisplayConnectionStrings)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"ConnectionStrings__{name} = {cs}");
        }
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"WakeDock is up in {elapsed.TotalSeconds:0.0} s: {orchestrator.PublicUrl}  (gateway {orchestrator.GatewayUrl})");
        foreach (var (name, value) in orchestrator.ShowOnce)
        {
            // Shown on this console once, when generated; kept only in the data folder's secrets.json (mode 0600).
            text.AppendLine(CultureInfo.InvariantCulture, $"Generated {name} (shown once; stored in {Path.Combine(orchestrator.DataDir, "secrets.json")}): {value}");
        }
        text.AppendLine("Press Ctrl+C to stop.");
        Console.Out.Write(text.ToString());
    }
}
