namespace WakeDock.AppHost.Tests;

/// <summary>Run-mode wiring that needs no server: preparation, project launch specs, missing binaries.</summary>
public sealed class OrchestratorTests : IDisposable
{
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("wakedock-orch-");

    public void Dispose() => _temp.Delete(recursive: true);

    /// <summary>A fake repository with empty "built" dlls, so nothing real is needed to prepare.</summary>
    private string FakeRepo()
    {
        var repo = Path.Combine(_temp.FullName, "repo");
        foreach (var project in WakeDockModel.Build().Resources.OfType<ProjectResource>())
        {
            var bin = Path.Combine(repo, Path.GetDirectoryName(project.ProjectPath)!, "bin", "Debug", "net10.0");
            Directory.CreateDirectory(bin);
            File.WriteAllText(Path.Combine(bin, project.AssemblyName + ".dll"), "");
        }
        return repo;
    }

    [Fact]
    public async Task Prepare_builds_project_launch_specs_with_the_Aspire_environment_and_writes_no_secret()
    {
        var repo = FakeRepo();
        var data = Path.Combine(_temp.FullName, "data");
        var sink = new MemoryOutputSink();
        await using var orchestrator = new Orchestrator(WakeDockModel.Build(), new OrchestratorOptions { DataDir = data, RepoRoot = repo, Sink = sink, OtlpEndpoint = null });
        await orchestrator.PrepareAsync();

        var identity = (ProjectRunner)orchestrator["identity"];
        Assert.Equal(Path.Combine(repo, "services", "Identity"), identity.Spec.WorkingDirectory);
        Assert.Equal(Path.Combine(repo, "services/Identity/bin/Debug/net10.0/WakeDock.Identity.dll"), Assert.Single(identity.Spec.Arguments));
        Assert.StartsWith("Host=127.0.0.1;Port=", identity.Spec.Environment["ConnectionStrings__wakedock"], StringComparison.Ordinal);
        Assert.Equal("identity", identity.Spec.Environment["OTEL_SERVICE_NAME"]);
        Assert.False(identity.Spec.Environment.ContainsKey("OTEL_EXPORTER_OTLP_ENDPOINT"));
        var gateway = (ProjectRunner)orchestrator["gateway"];
        Assert.Equal(orchestrator["identity"].DisplayUrl, gateway.Spec.Environment["services__identity__http__0"]);

        var status = AppHostStatus.Read(data)!;
        Assert.Equal(Environment.ProcessId, status.Pid);
        Assert.Equal(orchestrator.PublicUrl, status.PublicUrl);
        Assert.Equal(9, status.Resources.Count);
        Assert.Equal("waiting", status.Resources["identity"].State);

        var secrets = SecretStore.LoadOrCreate(Path.Combine(data, "secrets.json"), WakeDockModel.Build().Parameters);
        var written = File.ReadAllText(Path.Combine(data, AppHostStatus.FileName)) + string.Join("\n", sink.Lines)
            + string.Join("\n", orchestrator.DisplayConnectionStrings.Values);
        foreach (var name in secrets.Names)
        {
            Assert.DoesNotContain(secrets[WakeDockModel.Build().Get<ParameterResource>(name)], written, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_second_AppHost_on_the_same_data_folder_is_refused()
    {
        var repo = FakeRepo();
        var data = Path.Combine(_temp.FullName, "data");
        await using var first = new Orchestrator(WakeDockModel.Build(), new OrchestratorOptions { DataDir = data, RepoRoot = repo, Sink = new MemoryOutputSink() });
        await first.PrepareAsync();
        await using var second = new Orchestrator(WakeDockModel.Build(), new OrchestratorOptions { DataDir = data, RepoRoot = repo, Sink = new MemoryOutputSink() });
        var error = await Assert.ThrowsAsync<InvalidOperationException>(second.PrepareAsync);
        Assert.Contains("another AppHost", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_binary_is_named_with_its_package()
    {
        var empty = new BinaryLocator(_temp.FullName);
        var error = Assert.Throws<MissingBinaryException>(() => new RedisServer(Path.Combine(_temp.FullName, "redis"), "pw", locator: empty));
        Assert.Equal("redis-server not found: install it with 'apt-get install redis-server'", error.Message);
        Assert.Equal("initdb not found: install it with 'apt-get install postgresql'",
            Assert.Throws<MissingBinaryException>(() => new PostgresServer(_temp.FullName, "pw", locator: new BinaryLocator(LinkDir("postgres")))).Message);
        Assert.Equal("caddy not found: install it with 'apt-get install caddy'",
            Assert.Throws<MissingBinaryException>(() => new CaddyServer(_temp.FullName, "Caddyfile", "http://127.0.0.1:1", locator: empty)).Message);
        Assert.Equal("epmd not found: install it with 'apt-get install erlang-base'",
            Assert.Throws<MissingBinaryException>(() => new RabbitMqServer(_temp.FullName, "pw", locator: new BinaryLocator(LinkDir("rabbitmq-server")))).Message);
    }

    [Fact]
    public async Task The_AppHost_prints_one_line_and_fails_before_starting_anything_when_a_binary_is_missing()
    {
        // Everything but redis-server is there.
        var bin = LinkDir("setsid", "chown", "dotnet", "postgres", "initdb", "rabbitmq-server", "epmd", "caddy");
        var data = Path.Combine(_temp.FullName, "data");
        var (code, stdout, stderr) = await AppHostProcess.RunAsync(["--data-dir", data, "--http-port", "0"], TimeSpan.FromSeconds(60),
            new Dictionary<string, string> { [BinaryLocator.OverrideVariable] = bin });

        Assert.NotEqual(0, code);
        Assert.Equal("redis-server not found: install it with 'apt-get install redis-server'", stderr.Trim());
        Assert.DoesNotContain("starting WakeDock", stdout, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(data, "postgres")));
        Assert.False(Directory.Exists(Path.Combine(data, "pids")) && Directory.GetFiles(Path.Combine(data, "pids")).Length > 0);
    }

    /// <summary>A folder of symlinks to the real binaries named (a PATH with only those on it).</summary>
    private string LinkDir(params string[] names)
    {
        var dir = Directory.CreateTempSubdirectory("bin-").FullName;
        var dirInTemp = Path.Combine(_temp.FullName, Path.GetFileName(dir));
        Directory.Move(dir, dirInTemp);
        foreach (var name in names)
        {
            var real = BinaryLocator.Default.TryFind(name) ?? throw new InvalidOperationException($"{name} is not installed on this machine");
            File.CreateSymbolicLink(Path.Combine(dirInTemp, name), real);
        }
        return dirInTemp;
    }
}
