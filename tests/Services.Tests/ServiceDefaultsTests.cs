using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using WakeDock.Gateway.Health;
using WakeDock.Gateway.Routing;
using WakeDock.ServiceDefaults;
using WakeDock.ServiceDefaults.Health;
using WakeDock.ServiceDefaults.Messaging;
using WakeDock.ServiceDefaults.Telemetry;

namespace WakeDock.Services.Tests;

/// <summary>Unit tests of the pieces every service shares.</summary>
public sealed class ServiceDefaultsTests
{
    [Theory]
    [InlineData("amqp://wakedock:s%40cret@127.0.0.1:5700/", "127.0.0.1", 5700, "/", "wakedock", "s@cret")]
    [InlineData("amqp://user:pw@localhost/tenant%2Fone", "localhost", 5672, "tenant/one", "user", "pw")]
    [InlineData("amqps://user:pw@broker.example", "broker.example", 5671, "/", "user", "pw")]
    public void RabbitMq_connection_strings_are_parsed_like_Aspire_writes_them(
        string connectionString, string host, int port, string virtualHost, string user, string password)
    {
        var address = RabbitMqAddress.Parse(connectionString);

        Assert.Equal(new RabbitMqAddress(host, (ushort)port, virtualHost, user, password), address);
    }

    [Theory]
    [InlineData("Host=127.0.0.1;Port=5432")]
    [InlineData("http://127.0.0.1:5672")]
    [InlineData("not a uri")]
    public void A_connection_string_that_is_not_amqp_is_refused_clearly(string connectionString)
    {
        var error = Assert.Throws<InvalidOperationException>(() => RabbitMqAddress.Parse(connectionString));

        Assert.Contains("amqp://", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_connection_string_names_the_keys_to_set()
    {
        var configuration = new ConfigurationBuilder().Build();

        var error = Assert.Throws<InvalidOperationException>(() => ClientSettings.Read(configuration, "Npgsql", "wakedock"));

        Assert.Contains("ConnectionStrings__wakedock", error.Message, StringComparison.Ordinal);
        Assert.Contains("Aspire:Npgsql:ConnectionString", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_named_connection_string_wins_over_the_component_section()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Aspire:Npgsql:ConnectionString"] = "Host=fallback",
            ["Aspire:Npgsql:DisableHealthChecks"] = "true",
            ["ConnectionStrings:wakedock"] = "Host=named",
        }).Build();

        var settings = ClientSettings.Read(configuration, "Npgsql", "wakedock");

        Assert.Equal("Host=named", settings.ConnectionString);
        Assert.True(settings.DisableHealthChecks);
    }

    [Fact]
    public void Health_documents_carry_each_check_without_exception_details()
    {
        var report = new HealthReport(
            new Dictionary<string, HealthReportEntry>
            {
                ["postgres"] = new(HealthStatus.Unhealthy, null, TimeSpan.FromMilliseconds(12.34), new InvalidOperationException("Password=hunter2"), null, ["ready"]),
                ["self"] = new(HealthStatus.Healthy, "fine", TimeSpan.Zero, null, null),
            },
            TimeSpan.FromMilliseconds(20));

        var document = HealthResponseWriter.ToDocument(report);
        var json = JsonSerializer.Serialize(document);

        Assert.Equal("Unhealthy", document.Status);
        Assert.Equal("InvalidOperationException", document.Checks["postgres"].Description);
        Assert.Equal(12.3, document.Checks["postgres"].DurationMs);
        Assert.Equal(["ready"], document.Checks["postgres"].Tags);
        Assert.Null(document.Checks["self"].Tags);
        Assert.DoesNotContain("hunter2", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_health_writer_answers_json_that_is_never_cached()
    {
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        var report = new HealthReport(new Dictionary<string, HealthReportEntry>(), TimeSpan.Zero);

        await HealthResponseWriter.WriteAsync(context, report);

        context.Response.Body.Position = 0;
        var body = await JsonSerializer.DeserializeAsync<JsonElement>(context.Response.Body, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal("application/json; charset=utf-8", context.Response.ContentType);
        Assert.Equal("no-store", context.Response.Headers.CacheControl.ToString());
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
    }

    [Fact]
    public void The_json_style_is_camel_case_with_enums_as_strings_and_no_nulls()
    {
        var options = new JsonSerializerOptions();
        ServiceDefaultsExtensions.ConfigureJson(options);
        ServiceDefaultsExtensions.ConfigureJson(options);

        var json = JsonSerializer.Serialize(new { FirstName = "Ada", Missing = (string?)null, Status = HealthStatus.Degraded }, options);

        Assert.Equal("""{"firstName":"Ada","status":"degraded"}""", json);
        Assert.Single(options.Converters);
    }

    [Theory]
    [InlineData("/health", true)]
    [InlineData("/alive", true)]
    [InlineData("/HEALTH/ready", true)]
    [InlineData("/api/v1/health", false)]
    [InlineData("/healthy", false)]
    public void Health_probes_are_recognised_so_they_stay_out_of_traces(string path, bool isProbe)
        => Assert.Equal(isProbe, OpenTelemetryExtensions.IsHealthProbe(new PathString(path)));

    [Fact]
    public void The_service_name_comes_from_OTEL_SERVICE_NAME()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OTEL_SERVICE_NAME"] = "identity",
        }).Build();
        var environment = new TestEnvironment { ApplicationName = "WakeDock.Identity" };

        var identity = ServiceIdentity.FromEnvironment(configuration, environment);

        Assert.Equal("identity", identity.Name);
        Assert.Equal(32, identity.InstanceId.Length);
        Assert.Equal("WakeDock.Identity", ServiceIdentity.FromEnvironment(new ConfigurationBuilder().Build(), environment).Name);
    }

    [Theory]
    [InlineData(new[] { "Healthy", "Healthy" }, "Healthy")]
    [InlineData(new[] { "Healthy", "Degraded" }, "Degraded")]
    [InlineData(new[] { "Degraded", "Unhealthy", "Healthy" }, "Unhealthy")]
    [InlineData(new[] { "Healthy", "Unknown" }, "Unhealthy")]
    public void The_aggregate_status_is_the_worst_one(string[] statuses, string expected)
        => Assert.Equal(expected, ServiceHealthAggregator.Worst(statuses));

    [Fact]
    public async Task Destinations_named_after_services_resolve_through_service_discovery()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["services:identity:http:0"] = "http://127.0.0.1:5101",
            ["services:identity:http:1"] = "http://127.0.0.1:5102",
        }).Build();
        await using var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging()
            .AddServiceDiscovery()
            .BuildServiceProvider();
        var resolver = new ServiceDiscoveryDestinationResolver(services.GetRequiredService<Microsoft.Extensions.ServiceDiscovery.ServiceEndpointResolver>());

        var resolved = await resolver.ResolveDestinationsAsync(
            new Dictionary<string, Yarp.ReverseProxy.Configuration.DestinationConfig>
            {
                ["identity"] = new() { Address = "http://identity" },
                ["static"] = new() { Address = "http://127.0.0.1:9999" },
            },
            TestContext.Current.CancellationToken);

        var addresses = resolved.Destinations.Values.Select(destination => destination.Address.TrimEnd('/')).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["http://127.0.0.1:5101", "http://127.0.0.1:5102", "http://127.0.0.1:9999"], addresses);
        Assert.NotNull(resolved.ChangeToken);
    }

    [Fact]
    public void Endpoints_of_every_kind_become_addresses()
    {
        Assert.Equal("http://127.0.0.1:80", ServiceDiscoveryDestinationResolver.ToAddress(new IPEndPoint(IPAddress.Loopback, 80), "http"));
        Assert.Equal("https://example.test:8443", ServiceDiscoveryDestinationResolver.ToAddress(new DnsEndPoint("example.test", 8443), "https"));
        Assert.Throws<NotSupportedException>(() => ServiceDiscoveryDestinationResolver.ToAddress(new System.Net.Sockets.UnixDomainSocketEndPoint("/tmp/x.sock"), "http"));
    }

    private sealed class TestEnvironment : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Test";

        public string ApplicationName { get; set; } = "Test";

        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;

        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = new Microsoft.Extensions.FileProviders.NullFileProvider();
    }
}
