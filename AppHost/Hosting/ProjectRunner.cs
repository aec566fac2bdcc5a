using WakeDock.AppHost.Model;

namespace WakeDock.AppHost.Hosting;

/// <summary>
/// Runs a project's built dll with <c>dotnet</c> and supervises it: a crash is followed by a restart
/// after 1, 2, 4 … 30 s; the backoff resets once the project has stayed healthy for a while.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "A CancellationTokenSource without timers holds nothing to release.")]
public sealed class ProjectRunner : ResourceRunner
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StableAfter = TimeSpan.FromSeconds(30);

    private readonly ProcessSpec _spec;
    private readonly PidFiles? _pidFiles;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Stopwatch _healthySince = new();
    private ManagedProcess? _process;
    private Task? _supervisor;
    private int _restarts;
    private int _attempt;

    public ProjectRunner(ProjectResource project, ProcessSpec spec, string url, IOutputSink sink, PidFiles? pidFiles)
        : base(project, sink)
    {
        _spec = spec;
        _pidFiles = pidFiles;
        DisplayUrl = url;
    }

    public override string DisplayUrl { get; }
    public override int? Pid => _process is { HasExited: false } p ? p.Pid : null;
    public override int Restarts => _restarts;
    protected override bool IsProcessUp => _process is { HasExited: false };

    /// <summary>The spec (environment included) the project is launched with; holds secrets, never print it.</summary>
    public ProcessSpec Spec => _spec;

    protected override Task LaunchAsync(CancellationToken ct)
    {
        Launch();
        _supervisor = SuperviseAsync(_stopping.Token);
        return Task.CompletedTask;
    }

    public override async Task<bool> CheckHealthAsync(CancellationToken ct)
    {
        try
        {
            using var response = await Http.GetAsync(new Uri(DisplayUrl + "/health"), ct);
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    protected override void OnHealthChecked(bool healthy)
    {
        if (!healthy)
        {
            _healthySince.Reset();
        }
        else if (!_healthySince.IsRunning)
        {
            _healthySince.Start();
        }
        if (_healthySince.Elapsed > StableAfter)
        {
            _attempt = 0;
        }
    }

    private void Launch()
    {
        _process = ManagedProcess.Start(_spec, Sink);
        _pidFiles?.Write(Name, _process.Pid);
        _healthySince.Reset();
    }

    private async Task SuperviseAsync(CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var process = _process!;
                var code = await process.Exited.WaitAsync(ct);
                await process.DisposeAsync(); // reaps and kills any leftover of its group
                var delay = TimeSpan.FromSeconds(Math.Min(MaxBackoff.TotalSeconds, Math.Pow(2, _attempt)));
                _attempt++;
                _restarts++;
                SetState(ResourceState.Restarting);
                Sink.Line("apphost", $"{Name} exited with code {code}; restarting in {delay.TotalSeconds:0} s (restart #{_restarts})", isError: true);
                await Task.Delay(delay, ct);
                Launch();
                SetState(ResourceState.Starting);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>SIGTERM (ASP.NET Core shuts down gracefully), SIGKILL of the group after 10 s.</summary>
    protected override async Task ShutdownAsync()
    {
        await _stopping.CancelAsync();
        if (_supervisor is not null)
        {
            await _supervisor;
        }
        if (_process is { } process)
        {
            await process.StopAsync(Native.SIGTERM, TimeSpan.FromSeconds(10));
            await process.DisposeAsync();
            _pidFiles?.Remove(Name);
        }
    }
}
