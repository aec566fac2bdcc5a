using WakeDock.AppHost.Backing;
using WakeDock.AppHost.Model;

namespace WakeDock.AppHost.Hosting;

public sealed record OrchestratorOptions
{
    public required string DataDir { get; init; }
    public required string RepoRoot { get; init; }
    public string Configuration { get; init; } = "Debug";
    public int HttpPort { get; init; }
    public TimeSpan HealthTimeout { get; init; } = TimeSpan.FromSeconds(120);
    public BinaryLocator Locator { get; init; } = BinaryLocator.Default;
    public IOutputSink Sink { get; init; } = new ConsoleOutputSink();

    /// <summary>Passed to projects as OTEL_EXPORTER_OTLP_ENDPOINT when set (from the AppHost's own environment).</summary>
    public string? OtlpEndpoint { get; init; } = Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT");
}

/// <summary>
/// Run mode: starts the model's resources as local processes in reference order, each once all it
/// references is healthy (Aspire's WaitFor), keeps apphost.json current, and stops in reverse.
/// </summary>
public sealed class Orchestrator : IAsyncDisposable
{
    private static readonly RequiredBinary Dotnet = new("dotnet", "dotnet-sdk-10.0");
    private readonly AppModel _model;
    private readonly OrchestratorOptions _options;
    private readonly List<ResourceRunner> _runners = [];
    private readonly Lock _statusGate = new();
    private FileStream? _lock;
    private PidFiles? _pidFiles;
    private string _state = "starting";

    public Orchestrator(AppModel model, OrchestratorOptions options)
    {
        _model = model;
        _options = options with { DataDir = Path.GetFullPath(options.DataDir) };
    }

    public string DataDir => _options.DataDir;
    public RuntimeValues Values { get; private set; } = null!;
    public IReadOnlyList<ResourceRunner> Runners => _runners;
    public ResourceRunner this[string name] => _runners.First(r => r.Name == name);
    public string PublicUrl => Values.UrlOf(_model[WakeDockModel.Caddy]);
    public string GatewayUrl => Values.UrlOf(_model[WakeDockModel.Gateway]);

    /// <summary>
    /// Everything that can fail without starting a process: the data folder lock, stale children of a
    /// crashed AppHost, secrets, ports, binaries (<see cref="MissingBinaryException"/>) and project builds.
    /// </summary>
    public async Task PrepareAsync()
    {
        Directory.CreateDirectory(DataDir);
        try
        {
            _lock = new FileStream(Path.Combine(DataDir, "apphost.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            throw new InvalidOperationException($"another AppHost is running with the data folder {DataDir}");
        }
        _pidFiles = new PidFiles(Path.Combine(DataDir, "pids"));
        foreach (var stale in await _pidFiles.KillStaleAsync())
        {
            _options.Sink.Line("apphost", $"stopped {stale} left running by an earlier AppHost");
        }

        var secrets = SecretStore.LoadOrCreate(Path.Combine(DataDir, "secrets.json"), _model.Parameters);
        Values = new RuntimeValues(_model, secrets, new Dictionary<string, int> { [WakeDockModel.Caddy] = _options.HttpPort });
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath)
            ? hostPath
            : _options.Locator.Find(Dotnet);
        _options.Locator.Find(new RequiredBinary("setsid", "util-linux"));

        foreach (var resource in _model.Runnable)
        {
            _runners.Add(CreateRunner(resource, dotnet));
        }
        foreach (var runner in _runners)
        {
            runner.StateChanged += _ => WriteStatus();
        }
        WriteStatus();
    }

    private ResourceRunner CreateRunner(Resource resource, string dotnet)
    {
        var sink = _options.Sink;
        string Dir(string name) => Path.Combine(DataDir, name);
        int Port(string endpoint = "tcp") => Values.PortOf(resource, endpoint);
        return resource switch
        {
            PostgresServerResource pg => new BackingRunner(pg, new PostgresServer(Dir(pg.Name), Values.Secret(pg.Password),
                pg.Databases.Select(d => d.DatabaseName), Port(), sink, _options.Locator, _pidFiles), sink),
            PostgresDatabaseResource db => new DatabaseRunner(db, (BackingRunner)_runners.First(r => r.Resource == db.Parent), sink),
            RedisResource redis => new BackingRunner(redis, new RedisServer(Dir(redis.Name), Values.Secret(redis.Password),
                Port(), sink, _options.Locator, _pidFiles), sink),
            RabbitMqResource rabbit => new BackingRunner(rabbit, new RabbitMqServer(Dir(rabbit.Name), Values.Secret(rabbit.Password),
                rabbit.UserName, Port(), sink, _options.Locator, _pidFiles), sink),
            CaddyResource caddy => new BackingRunner(caddy, new CaddyServer(Dir(caddy.Name), Path.Combine(_options.RepoRoot, caddy.Caddyfile),
                Values.UrlOf(caddy.Upstream ?? throw new InvalidOperationException("caddy has no upstream")), Port("http"), sink, _options.Locator, _pidFiles), sink),
            ProjectResource project => new ProjectRunner(project, ProjectSpec(project, dotnet), Values.UrlOf(project), sink, _pidFiles),
            _ => throw new NotSupportedException($"cannot run {resource.GetType().Name}"),
        };
    }

    /// <summary>How a project is launched: <c>dotnet bin/…/Name.dll</c> in its folder, with Aspire's environment.</summary>
    public ProcessSpec ProjectSpec(ProjectResource project, string dotnet)
    {
        var dll = LocateDll(project);
        var env = ProjectEnvironment.For(project, publish: false, _options.OtlpEndpoint)
            .ToDictionary(kv => kv.Key, kv => (string?)Values.Render(kv.Value));
        return new ProcessSpec(project.Name, dotnet, [dll])
        {
            WorkingDirectory = Path.GetDirectoryName(Path.Combine(_options.RepoRoot, project.ProjectPath)),
            Environment = env,
        };
    }

    private string LocateDll(ProjectResource project)
    {
        var projectDir = Path.GetDirectoryName(Path.Combine(_options.RepoRoot, project.ProjectPath))!;
        var candidates = new[] { _options.Configuration, "Debug", "Release" }.Distinct()
            .Select(c => Path.Combine(projectDir, "bin", c, "net10.0", project.AssemblyName + ".dll"));
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException($"{project.Name}: {project.AssemblyName}.dll not found under {projectDir}/bin: build it with 'dotnet build AppHost'");
    }

    /// <summary>Starts everything; returns when all are healthy, throws (naming the resource) when one never gets there.</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        var tasks = _runners.Select(runner => Task.Run(async () =>
        {
            var waitFor = AppModel.WaitsFor(runner.Resource).Select(d => _runners.First(r => r.Resource == d).Ready).ToArray();
            try
            {
                await Task.WhenAll(waitFor).WaitAsync(ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                runner.Abandon(e);
                return;
            }
            await runner.StartAsync(_options.HealthTimeout, ct);
        }, ct)).ToArray();
        try
        {
            await Task.WhenAll(tasks);
        }
        catch when (tasks.FirstOrDefault(t => t.IsFaulted)?.Exception?.InnerException is { } first)
        {
            SetState("failed");
            throw first;
        }
        SetState("running");
    }

    /// <summary>Stops in reverse start order (caddy, gateway, services, then backing servers), each wave concurrently.</summary>
    public async Task StopAsync()
    {
        SetState("stopping");
        foreach (var wave in _model.StartWaves().Reverse())
        {
            await Task.WhenAll(wave.Select(r => _runners.FirstOrDefault(x => x.Resource == r)).OfType<ResourceRunner>().Select(async runner =>
            {
                try
                {
                    await runner.StopAsync();
                }
                catch (Exception e) when (e is IOException or InvalidOperationException)
                {
                    _options.Sink.Line("apphost", $"{runner.Name}: {e.Message}", isError: true);
                }
            }));
        }
        SetState("stopped");
    }

    public IReadOnlyDictionary<string, string> DisplayConnectionStrings =>
        _model.Resources.OfType<IResourceWithConnectionString>()
            .ToDictionary(r => r.Name, r => Values.Redacted.ConnectionString(r));

    private void SetState(string state)
    {
        _state = state;
        WriteStatus();
    }

    private void WriteStatus()
    {
        lock (_statusGate)
        {
            var resources = _runners.ToDictionary(r => r.Name,
                r => new ResourceStatus(r.Resource.Kind, r.State.ToString().ToLowerInvariant(), r.DisplayUrl, r.Pid, r.Restarts));
            new AppHostStatus(Environment.ProcessId, _state, DataDir, PublicUrl, GatewayUrl, DateTimeOffset.UtcNow, resources).Write(DataDir);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_state is not ("stopped" or "starting") || _runners.Any(r => r.Pid is not null))
        {
            await StopAsync();
        }
        if (_lock is not null)
        {
            await _lock.DisposeAsync();
        }
    }
}
