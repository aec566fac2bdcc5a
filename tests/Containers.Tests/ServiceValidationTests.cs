using WakeDock.ServiceDefaults.Http;
using System.Text.Json.Nodes;
using WakeDock.Containers.Services;

namespace WakeDock.Containers.Tests;

/// <summary>The parsers and checks behind managed services, without a database.</summary>
public sealed class ServiceValidationTests
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    [Theory]
    [InlineData("nginx", null, "nginx", null, null)]
    [InlineData("nginx:1.27-alpine", null, "nginx", "1.27-alpine", null)]
    [InlineData("library/nginx:latest", null, "library/nginx", "latest", null)]
    [InlineData("ghcr.io/owner/app:v1", "ghcr.io", "owner/app", "v1", null)]
    [InlineData("localhost:5000/team/app", "localhost:5000", "team/app", null, null)]
    [InlineData("127.0.0.1:5000/app:1", "127.0.0.1:5000", "app", "1", null)]
    [InlineData("localhost/app", "localhost", "app", null, null)]
    [InlineData("Registry.Example.com/app", "Registry.Example.com", "app", null, null)]
    [InlineData("[::1]:5000/app", "[::1]:5000", "app", null, null)]
    [InlineData("my_app__x.y-z", null, "my_app__x.y-z", null, null)]
    [InlineData("app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", null, "app", null,
        "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("app:1@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", null, "app", "1",
        "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    public void Valid_image_references_parse_into_their_parts(string value, string? registry, string repository, string? tag, string? digest)
    {
        Assert.True(ImageReference.TryParse(value, out var reference, out var error), error);
        Assert.Equal(new ImageReference(registry, repository, tag, digest), reference);
        Assert.Equal(value, reference.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("Nginx")]
    [InlineData("nginx:")]
    [InlineData("nginx:-tag")]
    [InlineData("-nginx")]
    [InlineData("nginx..x")]
    [InlineData("nginx/")]
    [InlineData("a//b")]
    [InlineData("registry.io/Owner/app")]
    [InlineData("nginx@sha256:1234")]
    [InlineData("nginx@sha256:0123456789abcdef0123456789abcdef")]
    [InlineData("nginx latest")]
    [InlineData("http://registry/app")]
    public void Invalid_image_references_are_refused(string value)
    {
        Assert.False(ImageReference.TryParse(value, out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void An_image_name_longer_than_Docker_allows_is_refused()
        => Assert.False(ImageReference.TryParse(new string('a', 256), out _, out _));

    [Theory]
    [InlineData("App.Example.COM", "app.example.com")]
    [InlineData("blog.example.com.", "blog.example.com")]
    [InlineData("localhost", "localhost")]
    [InlineData("a-b.c-d.test", "a-b.c-d.test")]
    [InlineData("bücher.example", "xn--bcher-kva.example")]
    public void Domains_are_normalised(string value, string expected)
        => Assert.Equal((expected, (string?)null), DomainNames.Normalize(value));

    [Theory]
    [InlineData("")]
    [InlineData("*.example.com")]
    [InlineData("-a.example.com")]
    [InlineData("a-.example.com")]
    [InlineData("a..example.com")]
    [InlineData("a_b.example.com")]
    [InlineData("10.0.0.1")]
    [InlineData("example.com/path")]
    [InlineData("http://example.com")]
    public void Invalid_domains_are_refused(string value)
    {
        var (domain, error) = DomainNames.Normalize(value);
        Assert.Null(domain);
        Assert.NotNull(error);
    }

    [Fact]
    public void A_domain_label_over_63_characters_is_refused()
        => Assert.NotNull(DomainNames.Normalize(new string('a', 64) + ".example.com").Error);

    [Theory]
    [InlineData("30s", 30)]
    [InlineData("15m", 900)]
    [InlineData("1h30m", 5400)]
    [InlineData("2d", 172800)]
    [InlineData("1d2h3m4s", 93784)]
    [InlineData("45", 45)]
    [InlineData(" 10M ", 600)]
    public void Durations_parse(string value, int seconds)
    {
        Assert.True(Durations.TryParse(value, out var duration));
        Assert.Equal(TimeSpan.FromSeconds(seconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("m")]
    [InlineData("15x")]
    [InlineData("1m1h")]
    [InlineData("-5s")]
    [InlineData("1.5m")]
    [InlineData("400d")]
    public void Invalid_durations_are_refused(string value) => Assert.False(Durations.TryParse(value, out _));

    [Theory]
    [InlineData(900, "15m")]
    [InlineData(5400, "1h30m")]
    [InlineData(45, "45s")]
    [InlineData(86400, "1d")]
    public void Durations_format_shortest(int seconds, string expected) => Assert.Equal(expected, Durations.Format(TimeSpan.FromSeconds(seconds)));

    [Theory]
    [InlineData("256m", 268435456L)]
    [InlineData("1g", 1073741824L)]
    [InlineData("1G", 1073741824L)]
    [InlineData("512k", 524288L)]
    [InlineData("1.5g", 1610612736L)]
    [InlineData("64mb", 67108864L)]
    [InlineData("64MiB", 67108864L)]
    [InlineData("10485760", 10485760L)]
    public void Memory_sizes_parse(string value, long bytes)
    {
        Assert.True(Quantities.TryParseMemory(value, out var parsed));
        Assert.Equal(bytes, parsed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("g")]
    [InlineData("-1m")]
    [InlineData("12x")]
    [InlineData("1,5g")]
    public void Invalid_memory_sizes_are_refused(string value) => Assert.False(Quantities.TryParseMemory(value, out _));

    [Fact]
    public void Memory_formats_in_the_largest_whole_unit()
    {
        Assert.Equal("256m", Quantities.FormatMemory(268435456));
        Assert.Equal("1g", Quantities.FormatMemory(1L << 30));
        Assert.Equal("1536m", Quantities.FormatMemory(1536L << 20));
        Assert.Equal("1000", Quantities.FormatMemory(1000));
    }

    [Fact]
    public void Cpus_become_nano_cpus()
    {
        Assert.True(Quantities.TryToNanoCpus(0.5m, out var half));
        Assert.Equal(500_000_000, half);
        Assert.True(Quantities.TryToNanoCpus(2m, out var two));
        Assert.Equal(2_000_000_000, two);
        Assert.False(Quantities.TryToNanoCpus(0m, out _));
        Assert.False(Quantities.TryToNanoCpus(-1m, out _));
        Assert.False(Quantities.TryToNanoCpus(0.0000000001m, out _));
        Assert.Equal(0.25m, Quantities.FromNanoCpus(250_000_000));
    }

    [Fact]
    public void A_full_definition_is_normalised()
    {
        var errors = new FieldErrors();
        var service = ServiceValidator.Validate(new ServiceDefinition
        {
            Name = "blog",
            Image = "ghost:5",
            Domains = ["Blog.Example.com"],
            Ports = [new PortSpec { HostPort = 8080, ContainerPort = 2368 }],
            Volumes = [new VolumeSpec { Source = "ghost-data", Target = "/var/lib/ghost/content/" }, new VolumeSpec { Source = "/srv/ghost//themes/", Target = "/themes", ReadOnly = true }],
            Memory = "256m",
            Cpus = 0.5m,
            RestartPolicy = "on-failure:3",
            HealthCheck = new HealthCheckSpec { Path = "/ghost/api/admin/site/" },
            IdleTimeout = "15m",
            WakePolicy = "On-Demand",
            CapAdd = ["cap_net_admin"],
        }, null, errors);

        Assert.False(errors.Any, string.Join("; ", errors.Fields));
        Assert.NotNull(service);
        Assert.Equal("ghost:5", service.Image);
        Assert.Equal("blog.example.com", Assert.Single(service.Domains).Name);
        Assert.Equal(new PortSpec { HostIp = "127.0.0.1", HostPort = 8080, ContainerPort = 2368, Protocol = "tcp" }, service.Ports[0]);
        Assert.Equal(new VolumeSpec { Source = "ghost-data", Target = "/var/lib/ghost/content", Type = "volume" }, service.Volumes[0]);
        Assert.Equal(new VolumeSpec { Source = "/srv/ghost/themes", Target = "/themes", ReadOnly = true, Type = "bind" }, service.Volumes[1]);
        Assert.Equal(268435456, service.MemoryBytes);
        Assert.Equal(500_000_000, service.NanoCpus);
        Assert.Equal("http", service.HealthCheck!.Type);
        Assert.Equal(2368, service.HealthCheck.Port);
        Assert.Equal(200, service.HealthCheck.ExpectedStatus);
        Assert.Equal(900, service.IdleTimeoutSeconds);
        Assert.Equal("on-demand", service.WakePolicy);
        Assert.Equal(["NET_ADMIN"], service.CapAdd);
    }

    [Theory]
    [InlineData("name", """{"name":"Bad_Name","image":"x"}""")]
    [InlineData("name", """{"name":"audit","image":"x"}""")]
    [InlineData("image", """{"name":"a","image":"UPPER"}""")]
    [InlineData("domains[1]", """{"name":"a","image":"x","domains":["a.test","*.b.test"]}""")]
    [InlineData("domains[1]", """{"name":"a","image":"x","domains":["a.test","A.test"]}""")]
    [InlineData("ports[0].containerPort", """{"name":"a","image":"x","ports":[{"hostPort":80}]}""")]
    [InlineData("ports[0].hostIp", """{"name":"a","image":"x","ports":[{"hostIp":"localhost","containerPort":80}]}""")]
    [InlineData("ports[1].hostPort", """{"name":"a","image":"x","ports":[{"hostPort":80,"containerPort":80},{"hostPort":80,"containerPort":81}]}""")]
    [InlineData("ports[0].protocol", """{"name":"a","image":"x","ports":[{"containerPort":80,"protocol":"icmp"}]}""")]
    [InlineData("volumes[0].source", """{"name":"a","image":"x","volumes":[{"source":"relative/path","target":"/data"}]}""")]
    [InlineData("volumes[0].target", """{"name":"a","image":"x","volumes":[{"source":"data","target":"data"}]}""")]
    [InlineData("memory", """{"name":"a","image":"x","memory":"lots"}""")]
    [InlineData("memory", """{"name":"a","image":"x","memory":"1m"}""")]
    [InlineData("cpus", """{"name":"a","image":"x","cpus":0}""")]
    [InlineData("restartPolicy", """{"name":"a","image":"x","restartPolicy":"sometimes"}""")]
    [InlineData("restartPolicy", """{"name":"a","image":"x","restartPolicy":"on-failure:0"}""")]
    [InlineData("healthCheck.command", """{"name":"a","image":"x","healthCheck":{"type":"docker"}}""")]
    [InlineData("healthCheck.port", """{"name":"a","image":"x","healthCheck":{"type":"http","path":"/"}}""")]
    [InlineData("healthCheck.expectedStatus", """{"name":"a","image":"x","healthCheck":{"path":"/","port":80,"expectedStatus":99}}""")]
    [InlineData("idleTimeout", """{"name":"a","image":"x","idleTimeout":"10s"}""")]
    [InlineData("idleTimeout", """{"name":"a","image":"x","idleTimeout":"soon"}""")]
    [InlineData("blockingTimeout", """{"name":"a","image":"x","blockingTimeout":"1h"}""")]
    [InlineData("wakePolicy", """{"name":"a","image":"x","wakePolicy":"sometimes"}""")]
    [InlineData("loadingStrategy", """{"name":"a","image":"x","loadingStrategy":"spin"}""")]
    [InlineData("theme", """{"name":"a","image":"x","theme":"pink"}""")]
    [InlineData("sleepMode", """{"name":"a","image":"x","sleepMode":"kill"}""")]
    [InlineData("desiredState", """{"name":"a","image":"x","desiredState":"paused"}""")]
    [InlineData("dependsOn[0]", """{"name":"a","image":"x","dependsOn":["Not Valid"]}""")]
    [InlineData("dependsOn", """{"name":"a","image":"x","dependsOn":["a"]}""")]
    [InlineData("environment.1BAD", """{"name":"a","image":"x","environment":{"1BAD":{"value":"x"}}}""")]
    [InlineData("environment.KEEP", """{"name":"a","image":"x","environment":{"KEEP":{"value":"********","secret":true}}}""")]
    [InlineData("labels.wakedock.domain", """{"name":"a","image":"x","labels":{"wakedock.domain":"x.test"}}""")]
    [InlineData("capAdd[0]", """{"name":"a","image":"x","capAdd":["not a cap"]}""")]
    [InlineData("devices[0]", """{"name":"a","image":"x","devices":["sda"]}""")]
    public void Invalid_fields_are_named_by_their_path(string field, string json)
    {
        var errors = new FieldErrors();
        var definition = JsonSerializer.Deserialize<ServiceDefinition>(json, Web)!;

        Assert.Null(ServiceValidator.Validate(definition, null, errors));
        Assert.Contains(field, errors.Fields);
    }

    [Fact]
    public void Sizes_are_limited()
    {
        Assert.Contains("environment.BIG", Errors(new() { Name = "a", Image = "x", Environment = new() { ["BIG"] = new(new string('x', 32 * 1024 + 1)) } }));
        Assert.DoesNotContain("environment.OK", Errors(new() { Name = "a", Image = "x", Environment = new() { ["OK"] = new(new string('x', 32 * 1024)) } }));
        var many = Enumerable.Range(0, 201).ToDictionary(i => $"V{i}", _ => (EnvironmentValue?)new EnvironmentValue("x"));
        Assert.Contains("environment", Errors(new() { Name = "a", Image = "x", Environment = many }));
        Assert.Contains("labels." + new string('k', 257), Errors(new() { Name = "a", Image = "x", Labels = new() { [new string('k', 257)] = "v" } }));
        Assert.Contains("labels.big", Errors(new() { Name = "a", Image = "x", Labels = new() { ["big"] = new string('v', 4097) } }));
        var total = Enumerable.Range(0, 20).ToDictionary(i => $"l{i}", _ => (string?)new string('v', 4000));
        Assert.Contains("labels", Errors(new() { Name = "a", Image = "x", Labels = total }));
    }

    [Fact]
    public void A_masked_secret_keeps_the_stored_value()
    {
        var stored = new ManagedService { Name = "a", Image = "x", CreatedBy = "t", UpdatedBy = "t", Environment = [new("TOKEN", "s3cret", true)] };
        var errors = new FieldErrors();
        var service = ServiceValidator.Validate(new ServiceDefinition
        {
            Name = "a",
            Image = "x",
            Environment = new() { ["TOKEN"] = new(ServiceView.Mask, true), ["MODE"] = new("prod") },
        }, stored, errors);

        Assert.Equal([new("TOKEN", "s3cret", true), new("MODE", "prod", false)], service!.Environment);
        Assert.Equal(ServiceView.Mask, ServiceView.From(service).Environment!["TOKEN"]!.Value);
        Assert.Equal("prod", ServiceView.From(service).Environment!["MODE"]!.Value);
    }

    [Theory]
    [InlineData("/", true)]
    [InlineData("/etc", true)]
    [InlineData("/etc/ssl/certs", true)]
    [InlineData("/var", true)]
    [InlineData("/var/run", true)]
    [InlineData("/var/run/docker.sock", true)]
    [InlineData("/run", true)]
    [InlineData("/srv/../etc", true)]
    [InlineData("/proc/1/root", true)]
    [InlineData("/dev", true)]
    [InlineData("/root/.ssh", true)]
    [InlineData("/srv/data", false)]
    [InlineData("/home/app/data", false)]
    [InlineData("/var/lib/app", false)]
    [InlineData("/etcetera", false)]
    public void Bind_mounts_of_sensitive_paths_and_their_parents_are_elevated(string source, bool elevated)
    {
        var service = new ManagedService { Name = "a", Image = "x", CreatedBy = "t", UpdatedBy = "t", Volumes = ServiceValidatorVolumes(source) };
        Assert.Equal(elevated, ServiceSafety.Find(service).Any(s => s.Field == "volumes[0].source"));
    }

    [Fact]
    public void Host_level_settings_are_named()
    {
        var service = new ManagedService
        {
            Name = "a", Image = "x", CreatedBy = "t", UpdatedBy = "t",
            Privileged = true, HostPid = true, HostNetwork = true, Networks = ["web", "host"], CapAdd = ["SYS_ADMIN"], Devices = ["/dev/fuse"],
        };
        Assert.Equal(["privileged", "hostPid", "hostNetwork", "networks[1]", "capAdd", "devices"], ServiceSafety.Find(service).Select(s => s.Field));
    }

    [Fact]
    public void Dependency_cycles_are_found_and_named_in_order()
    {
        var graph = new Dictionary<string, IReadOnlyList<string>> { ["a"] = ["b"], ["b"] = ["c", "d"], ["c"] = [], ["d"] = ["a"] };
        Assert.Equal(["a", "b", "d", "a"], ServiceGraph.FindCycle("a", graph));
        Assert.Null(ServiceGraph.FindCycle("b", new Dictionary<string, IReadOnlyList<string>> { ["b"] = ["c"], ["c"] = [] }));
    }

    [Fact]
    public void Merge_patch_follows_RFC_7396()
    {
        var target = JsonNode.Parse("""{"a":"b","c":{"d":"e","f":"g"},"list":[1,2]}""");
        var patch = JsonNode.Parse("""{"a":"z","c":{"f":null,"h":1},"list":[3]}""");
        Assert.Equal("""{"a":"z","c":{"d":"e","h":1},"list":[3]}""", MergePatch.Apply(target, patch)!.ToJsonString());
        Assert.Equal("[1]", MergePatch.Apply(target, JsonNode.Parse("[1]"))!.ToJsonString());
    }

    private static IEnumerable<string> Errors(ServiceDefinition definition)
    {
        var errors = new FieldErrors();
        ServiceValidator.Validate(definition, null, errors);
        return errors.Fields;
    }

    private static List<VolumeSpec> ServiceValidatorVolumes(string source)
    {
        var errors = new FieldErrors();
        var service = ServiceValidator.Validate(new ServiceDefinition { Name = "a", Image = "x", Volumes = [new VolumeSpec { Source = source, Target = "/mnt" }] }, null, errors);
        Assert.False(errors.Any);
        return service!.Volumes;
    }
}
