using WakeDock.AppHost.Backing;
using WakeDock.AppHost.Model;

namespace WakeDock.AppHost.Hosting;

public enum ResourceState
{
    Waiting,
    Starting,
    Healthy,
    Unhealthy,
    Restarting,
    Exited,
    Stopping,
    Stopped,
    Failed,
}

/// <summary>
/// Runs one resource: start, first health (bounded), then keeps checking health so its state stays known.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "A CancellationTokenSource without timers holds nothing to release; runners live as long as the AppHost.")]
public abstract class ResourceRunner(Resource resource, IOutputSink sink)
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _monitor = new();
    private Task? _monitorTask;
    private ResourceState _state = ResourceState.Waiting;

    public Resource Resource { get; } = resource;
    public string Name => Resource.Name;
    protected IOutputSink Sink { get; } = sink;

    public ResourceState State => _state;
    public abstract string DisplayUrl { get; }
    public abstract int? Pid { get; }
    public virtual int Restarts => 0;

    /// <summary>Completes when first healthy; faults when the resource could not start.</summary>
    public Task Ready => _ready.Task;

    public event Action<ResourceRunner>? StateChanged;

    protected void SetState(ResourceState state)
    {
        if (_state == state)
        {
            return;
        }
        _state = state;
        StateChanged?.Invoke(this);
    }

    protected abstract Task LaunchAsync(CancellationToken ct);
    public abstract Task<bool> CheckHealthAsync(CancellationToken ct);

    /// <summary>The periodic check after the first healthy answer.</summary>
    public virtual Task<bool> CheckLiveAsync(CancellationToken ct) => CheckHealthAsync(ct);
    protected abstract Task ShutdownAsync();

    /// <summary>True while the process is running (health is only meaningful then).</summary>
    protected abstract bool IsProcessUp { get; }

    /// <summary>Starts and waits until healthy; throws with the resource's name when it never gets there.</summary>
    public async Task StartAsync(TimeSpan healthTimeout, CancellationToken ct)
    {
        try
        {
            SetState(ResourceState.Starting);
            await LaunchAsync(ct);
            var deadline = Stopwatch.StartNew();
            while (!await CheckQuietlyAsync(ct))
            {
                if (deadline.Elapsed > healthTimeout)
                {
                    throw new TimeoutException($"{Name} did not become healthy within {healthTimeout.TotalSeconds:0} s");
                }
                if (!IsProcessUp && this is not ProjectRunner)
                {
                    throw new InvalidOperationException($"{Name} exited before becoming healthy");
                }
                await Task.Delay(250, ct);
            }
            SetState(ResourceState.Healthy);
            _ready.TrySetResult();
            _monitorTask = MonitorAsync(_monitor.Token);
        }
        catch (Exception e)
        {
            SetState(ResourceState.Failed);
            _ready.TrySetException(e);
            throw;
        }
    }

    /// <summary>Marks a resource that will never start because something it waits for failed.</summary>
    public void Abandon(Exception reason)
    {
        SetState(ResourceState.Failed);
        _ready.TrySetException(reason);
    }

    public async Task StopAsync()
    {
        await _monitor.CancelAsync();
        if (_monitorTask is not null)
        {
            await _monitorTask;
        }
        if (_state is ResourceState.Waiting or ResourceState.Failed && Pid is null)
        {
            SetState(ResourceState.Stopped);
            return;
        }
        SetState(ResourceState.Stopping);
        await ShutdownAsync();
        SetState(ResourceState.Stopped);
    }

    private async Task MonitorAsync(CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(3), ct);
                if (_state is ResourceState.Stopping or ResourceState.Restarting)
                {
                    continue;
                }
                if (!IsProcessUp)
                {
                    if (this is not ProjectRunner && _state != ResourceState.Exited)
                    {
                        Sink.Line("apphost", $"{Name} exited unexpectedly", isError: true);
                        SetState(ResourceState.Exited);
                    }
                    continue;
                }
                var healthy = await CheckQuietlyAsync(ct, live: true);
                if (!IsProcessUp || _state is ResourceState.Restarting or ResourceState.Stopping)
                {
                    continue;
                }
                if (!healthy && _state == ResourceState.Healthy)
                {
                    Sink.Line("apphost", $"{Name} is unhealthy", isError: true);
                }
                SetState(healthy ? ResourceState.Healthy : ResourceState.Unhealthy);
                OnHealthChecked(healthy);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    protected virtual void OnHealthChecked(bool healthy)
    {
    }

    private async Task<bool> CheckQuietlyAsync(CancellationToken ct, bool live = false)
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct);
        attempt.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            return live ? await CheckLiveAsync(attempt.Token) : await CheckHealthAsync(attempt.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return false;
        }
    }
}

/// <summary>A native server (postgres, redis, rabbitmq, caddy).</summary>
public sealed class BackingRunner(Resource resource, BackingServer server, IOutputSink sink) : ResourceRunner(resource, sink)
{
    public BackingServer Server { get; } = server;
    public override string DisplayUrl => Server.DisplayEndpoint;
    public override int? Pid => Server.Pid;
    protected override bool IsProcessUp => Server.Pid is not null && !Server.Exited.IsCompleted;
    protected override Task LaunchAsync(CancellationToken ct) => Server.StartAsync(ct);
    public override Task<bool> CheckHealthAsync(CancellationToken ct) => Server.CheckHealthAsync(ct);
    public override Task<bool> CheckLiveAsync(CancellationToken ct) => Server.CheckLiveAsync(ct);
    protected override Task ShutdownAsync() => Server.StopAsync();
}

/// <summary>A database: nothing to run, ready when its server answers queries on it (the server's health check does that).</summary>
public sealed class DatabaseRunner(PostgresDatabaseResource resource, BackingRunner server, IOutputSink sink) : ResourceRunner(resource, sink)
{
    private readonly PostgresServer _postgres = (PostgresServer)server.Server;
    public override string DisplayUrl => $"{_postgres.DisplayEndpoint}/{resource.DatabaseName}";
    public override int? Pid => null;
    protected override bool IsProcessUp => server.State is not (ResourceState.Exited or ResourceState.Stopped or ResourceState.Failed);
    protected override Task LaunchAsync(CancellationToken ct) => Task.CompletedTask;
    public override Task<bool> CheckHealthAsync(CancellationToken ct) => Task.FromResult(server.State == ResourceState.Healthy);
    protected override Task ShutdownAsync() => Task.CompletedTask;
}
