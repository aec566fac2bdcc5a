using WakeDock.Containers.Services;

namespace WakeDock.Containers.Tests;

/// <summary>Reading a service definition from <c>wakedock.*</c> labels (docs/labels.md), for adoption.</summary>
public sealed class LabelParserTests
{
    [Fact]
    public void A_labelled_container_becomes_a_validated_definition()
    {
        var result = WakeDockLabelParser.Parse(new Dictionary<string, string>
        {
            [WakeDockLabels.Enable] = "true",
            [WakeDockLabels.Domain] = "Whoami.Example.com, whoami.test",
            [WakeDockLabels.IdleTimeout] = "5m",
            [WakeDockLabels.WakePolicy] = "on-demand",
            [WakeDockLabels.Strategy] = "blocking",
            [WakeDockLabels.BlockingTimeout] = "30s",
            [WakeDockLabels.Theme] = "dark",
            [WakeDockLabels.HealthPath] = "/health",
            [WakeDockLabels.HealthPort] = "8080",
            [WakeDockLabels.DependsOn] = "db, cache",
            [WakeDockLabels.SleepMode] = "pause",
            ["com.example.team"] = "web",
        }, "/Whoami_1", "traefik/whoami:v1.10");

        Assert.True(result.Enabled);
        Assert.Empty(result.Errors);
        var definition = result.Definition!;
        Assert.Equal("whoami-1", definition.Name);
        Assert.Equal("traefik/whoami:v1.10", definition.Image);
        Assert.Equal(["whoami.example.com", "whoami.test"], definition.Domains);
        Assert.Equal("5m", definition.IdleTimeout);
        Assert.Equal("blocking", definition.LoadingStrategy);
        Assert.Equal("30s", definition.BlockingTimeout);
        Assert.Equal("dark", definition.Theme);
        Assert.Equal(new HealthCheckSpec { Type = "http", Path = "/health", Port = 8080, ExpectedStatus = 200, Interval = "30s", Timeout = "5s", Retries = 3 }, definition.HealthCheck);
        Assert.Equal(["db", "cache"], definition.DependsOn);
        Assert.Equal("pause", definition.SleepMode);
        Assert.Equal("web", definition.Labels!["com.example.team"]);
        Assert.DoesNotContain(definition.Labels, pair => pair.Key.StartsWith("wakedock.", StringComparison.Ordinal));
    }

    [Fact]
    public void The_name_label_wins_over_the_container_name_and_defaults_apply()
    {
        var result = WakeDockLabelParser.Parse(
            new Dictionary<string, string> { [WakeDockLabels.Enable] = "1", [WakeDockLabels.Name] = "site", [WakeDockLabels.Domain] = "site.test" },
            "/whatever", "nginx");

        var definition = result.Definition!;
        Assert.Equal("site", definition.Name);
        Assert.Equal("on-demand", definition.WakePolicy);
        Assert.Equal("15m", definition.IdleTimeout);
        Assert.Equal("dynamic", definition.LoadingStrategy);
        Assert.Equal("auto", definition.Theme);
        Assert.Equal("stop", definition.SleepMode);
        Assert.Null(definition.HealthCheck);
    }

    [Fact]
    public void Without_enable_nothing_is_adopted()
    {
        var result = WakeDockLabelParser.Parse(new Dictionary<string, string> { [WakeDockLabels.Domain] = "x.test" }, "/x", "nginx");
        Assert.False(result.Enabled);
        Assert.Null(result.Definition);
        Assert.Empty(result.Errors);

        var disabled = WakeDockLabelParser.Parse(new Dictionary<string, string> { [WakeDockLabels.Enable] = "false" }, "/x", "nginx");
        Assert.False(disabled.Enabled);
    }

    [Fact]
    public void Containers_WakeDock_created_say_so_with_their_service_id()
    {
        var id = Guid.NewGuid();
        var result = WakeDockLabelParser.Parse(
            new Dictionary<string, string> { [WakeDockLabels.Managed] = "true", [WakeDockLabels.ServiceId] = id.ToString() }, "/blog", "ghost");
        Assert.True(result.Managed);
        Assert.Equal(id, result.ServiceId);
        Assert.False(result.Enabled);
    }

    [Theory]
    [InlineData(WakeDockLabels.Enable, "maybe")]
    [InlineData(WakeDockLabels.Domain, "*.wild.test")]
    [InlineData(WakeDockLabels.IdleTimeout, "5s")]
    [InlineData(WakeDockLabels.IdleTimeout, "later")]
    [InlineData(WakeDockLabels.WakePolicy, "never")]
    [InlineData(WakeDockLabels.Strategy, "spinner")]
    [InlineData(WakeDockLabels.BlockingTimeout, "2h")]
    [InlineData(WakeDockLabels.Theme, "neon")]
    [InlineData(WakeDockLabels.HealthPath, "health")]
    [InlineData(WakeDockLabels.HealthPort, "http")]
    [InlineData(WakeDockLabels.DependsOn, "db,Bad Name")]
    [InlineData(WakeDockLabels.SleepMode, "hibernate")]
    [InlineData(WakeDockLabels.Name, "Not_Valid")]
    [InlineData(WakeDockLabels.ServiceId, "not-a-guid")]
    public void Invalid_labels_are_named(string label, string value)
    {
        var labels = new Dictionary<string, string> { [WakeDockLabels.Enable] = "true", [WakeDockLabels.Domain] = "ok.test" };
        labels[label] = value;

        var result = WakeDockLabelParser.Parse(labels, "/app", "nginx");

        Assert.Null(result.Definition);
        Assert.Contains(label, result.Errors.Keys);
    }

    [Fact]
    public void An_adopted_container_needs_a_valid_image()
    {
        var result = WakeDockLabelParser.Parse(new Dictionary<string, string> { [WakeDockLabels.Enable] = "true" }, "/app", null);
        Assert.Contains("image", result.Errors.Keys);
    }

    [Theory]
    [InlineData("/My_App.1", "my-app-1")]
    [InlineData("web", "web")]
    [InlineData("/__x__", "x")]
    public void Container_names_become_service_names(string containerName, string expected)
        => Assert.Equal(expected, WakeDockLabelParser.ServiceNameFrom(containerName));
}
