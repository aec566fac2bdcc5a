namespace WakeDock.AppHost.Tests;

public sealed class ModelTests : IDisposable
{
    private readonly AppModel _model = WakeDockModel.Build();
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("wakedock-model-");

    public void Dispose() => _temp.Delete(recursive: true);

    private static string[] Names(IEnumerable<Resource> resources) => [.. resources.Select(r => r.Name).Order()];

    [Fact]
    public void Projects_reference_what_they_use()
    {
        Assert.Equal(["rabbitmq", "redis", "wakedock"], Names(_model["identity"].References));
        foreach (var service in new[] { "containers", "monitoring" })
        {
            Assert.Equal(["identity", "rabbitmq", "redis", "wakedock"], Names(_model[service].References));
        }
        Assert.Equal(["containers", "identity", "monitoring", "rabbitmq", "redis"], Names(_model["gateway"].References));
        Assert.Equal(["gateway"], Names(_model["caddy"].References));
        Assert.Equal("services/Gateway/WakeDock.Gateway.csproj", _model.Get<ProjectResource>("gateway").ProjectPath);
        Assert.Equal("WakeDock.Identity", _model.Get<ProjectResource>("identity").AssemblyName);
    }

    [Fact]
    public void Start_order_follows_references()
    {
        var waves = _model.StartWaves().Select(Names).ToList();
        Assert.Equal(
        [
            ["postgres", "rabbitmq", "redis"],
            ["wakedock"],
            ["identity"],
            ["containers", "monitoring"],
            ["gateway"],
            ["caddy"],
        ], waves);
    }

    [Fact]
    public void A_reference_cycle_is_refused()
    {
        var builder = new AppModelBuilder();
        var a = builder.AddProject("a", "a/a.csproj");
        var b = builder.AddProject("b", "b/b.csproj");
        AppModelBuilder.WithReference(a, b);
        AppModelBuilder.WithReference(b, a);
        Assert.Throws<InvalidOperationException>(() => builder.Build().StartWaves());
    }

    [Fact]
    public void A_project_gets_the_environment_Aspire_gives_it()
    {
        var secrets = SecretStore.LoadOrCreate(Path.Combine(_temp.FullName, "secrets.json"), _model.Parameters);
        var values = new RuntimeValues(_model, secrets);
        var gateway = _model.Get<ProjectResource>("gateway");
        var env = ProjectEnvironment.For(gateway, publish: false, otlpEndpoint: "http://127.0.0.1:4317")
            .ToDictionary(kv => kv.Key, kv => values.Render(kv.Value));

        Assert.Equal($"http://127.0.0.1:{values.PortOf(gateway)}", env["ASPNETCORE_URLS"]);
        Assert.Equal("Development", env["ASPNETCORE_ENVIRONMENT"]);
        Assert.Equal("Development", env["DOTNET_ENVIRONMENT"]);
        Assert.Equal("gateway", env["OTEL_SERVICE_NAME"]);
        Assert.Equal("http://127.0.0.1:4317", env["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        Assert.Equal("true", env["OTEL_DOTNET_EXPERIMENTAL_OTLP_EMIT_EXCEPTION_LOG_ATTRIBUTES"]);
        Assert.Equal("true", env["OTEL_DOTNET_EXPERIMENTAL_OTLP_EMIT_EVENT_LOG_ATTRIBUTES"]);
        Assert.Equal("in_memory", env["OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY"]);
        Assert.Equal("simple", env["LOGGING__CONSOLE__FORMATTERNAME"]);
        Assert.Equal($"http://127.0.0.1:{values.PortOf(_model["identity"])}", env["services__identity__http__0"]);
        Assert.Equal($"http://127.0.0.1:{values.PortOf(_model["monitoring"])}", env["services__monitoring__http__0"]);
        Assert.Equal($"127.0.0.1:{values.PortOf(_model["redis"], "tcp")},password={secrets[_model.Get<ParameterResource>("redis-password")]}",
            env["ConnectionStrings__redis"]);
        Assert.Equal($"amqp://wakedock:{secrets[_model.Get<ParameterResource>("rabbitmq-password")]}@127.0.0.1:{values.PortOf(_model["rabbitmq"], "tcp")}",
            env["ConnectionStrings__rabbitmq"]);
        Assert.False(env.ContainsKey("ConnectionStrings__wakedock"));

        var identity = ProjectEnvironment.For(_model.Get<ProjectResource>("identity"), publish: false)
            .ToDictionary(kv => kv.Key, kv => values.Render(kv.Value));
        Assert.Equal($"Host=127.0.0.1;Port={values.PortOf(_model["postgres"], "tcp")};Username=postgres;Password={secrets[_model.Get<ParameterResource>("postgres-password")]};Database=wakedock",
            identity["ConnectionStrings__wakedock"]);
        Assert.False(identity.ContainsKey("OTEL_EXPORTER_OTLP_ENDPOINT"));
        Assert.DoesNotContain(identity.Keys, k => k.StartsWith("services__", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_endpoint_gets_its_own_free_port_and_caddy_can_be_pinned()
    {
        var secrets = SecretStore.LoadOrCreate(Path.Combine(_temp.FullName, "secrets.json"), _model.Parameters);
        var pinned = PortAllocator.GetFreePort();
        var values = new RuntimeValues(_model, secrets, new Dictionary<string, int> { ["caddy"] = pinned });
        var ports = _model.Resources.SelectMany(r => r.Endpoints).Select(values.PortOf).ToList();
        Assert.Equal(ports.Count, ports.Distinct().Count());
        Assert.Equal(pinned, values.PortOf(_model["caddy"]));
    }

    [Fact]
    public void Secrets_are_generated_once_persisted_privately_and_reused()
    {
        var path = Path.Combine(_temp.FullName, "data", "secrets.json");
        var first = SecretStore.LoadOrCreate(path, _model.Parameters);
        var second = SecretStore.LoadOrCreate(path, _model.Parameters);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        var values = _model.Parameters.Select(p => first[p]).ToList();
        Assert.Equal(_model.Parameters.Count(), values.Distinct().Count());
        foreach (var p in _model.Parameters)
        {
            Assert.Equal(first[p], second[p]);
            Assert.True(first[p].Length >= Math.Max(p.MinLength, 22) && first[p].All(char.IsAsciiLetterOrDigit));
        }

        Assert.Equal(_model.Parameters.Select(p => p.Name), first.Generated);
        Assert.Empty(second.Generated);
    }

    [Fact]
    public void Identity_gets_the_admin_password_and_key_secret_and_only_the_admin_password_is_shown()
    {
        var identity = _model.Get<ProjectResource>("identity");
        var names = ProjectEnvironment.For(identity, publish: true).Select(entry => entry.Key).ToList();

        Assert.Contains("Identity__BootstrapAdmin__Password", names);
        Assert.Contains("Identity__KeyEncryptionSecret", names);
        Assert.Equal(["admin-password"], _model.Parameters.Where(p => p.ShowWhenGenerated).Select(p => p.Name));
        Assert.DoesNotContain("Identity__BootstrapAdmin__Password", ProjectEnvironment.For(_model.Get<ProjectResource>("gateway"), publish: true).Select(entry => entry.Key));
    }

    [Fact]
    public void Displayed_connection_strings_hide_passwords()
    {
        var secrets = SecretStore.LoadOrCreate(Path.Combine(_temp.FullName, "secrets.json"), _model.Parameters);
        var values = new RuntimeValues(_model, secrets).Redacted;
        var shown = string.Join("\n", _model.Resources.OfType<IResourceWithConnectionString>().Select(values.ConnectionString));
        Assert.Contains("Password=***", shown, StringComparison.Ordinal);
        Assert.Contains("amqp://wakedock:***@", shown, StringComparison.Ordinal);
        foreach (var p in _model.Parameters)
        {
            Assert.DoesNotContain(secrets[p], shown, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Options_come_from_arguments_then_environment()
    {
        var env = new Dictionary<string, string> { ["WAKEDOCK_DATA_DIR"] = "/tmp/from-env", ["WAKEDOCK_HTTP_PORT"] = "8081" };
        var fromEnv = AppHostOptions.Parse([], env.GetValueOrDefault);
        Assert.Equal("/tmp/from-env", fromEnv.DataDir);
        Assert.Equal(8081, fromEnv.HttpPort);

        var fromArgs = AppHostOptions.Parse(["--data-dir", "/tmp/x", "--http-port=0", "--publisher", "manifest", "--output-path", "m.json"], env.GetValueOrDefault);
        Assert.Equal("/tmp/x", fromArgs.DataDir);
        Assert.Equal(0, fromArgs.HttpPort);
        Assert.Equal("manifest", fromArgs.Publisher);
        Assert.Equal("m.json", fromArgs.OutputPath);

        Assert.Throws<ArgumentException>(() => AppHostOptions.Parse(["--bogus", "1"], _ => null));
        Assert.Throws<ArgumentException>(() => AppHostOptions.Parse(["--http-port", "70000"], _ => null));
    }
}
