using System.Net.Http;

namespace WakeDock.Docker.Tests;

/// <summary>The Docker fixtures against the real engine: image, host-mode httpd, none-mode logs.</summary>
public sealed class BusyboxContainerTests(DockerTestImageFixture docker) : IAsyncLifetime
{
    private readonly DockerTestContainers containers = docker.CreateContainers();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => containers.DisposeAsync();

    [Fact]
    public async Task Test_image_is_local_labelled_and_built_once()
    {
        var again = await DockerTestImage.EnsureAsync(docker.Client, Cancel);
        var image = await docker.Client.Images.InspectImageAsync(DockerTestImage.Name, Cancel);

        Assert.Equal(docker.ImageId, again);
        Assert.Equal(docker.ImageId, image.ID);
        Assert.Equal("true", image.Config.Labels[DockerTestImage.TestLabel]);
        Assert.Contains(DockerTestImage.Name, image.RepoTags);
    }

    [Fact]
    public async Task Httpd_in_host_mode_serves_a_file_over_loopback()
    {
        var httpd = await containers.StartHttpdAsync("hello from busybox", cancellationToken: Cancel);

        using var http = new HttpClient { BaseAddress = httpd.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        var body = await http.GetStringAsync(new Uri("index.html", UriKind.Relative), Cancel);

        Assert.Equal("127.0.0.1", httpd.BaseAddress.Host);
        Assert.Equal("hello from busybox", body);
        var inspected = await docker.Client.Containers.InspectContainerAsync(httpd.Id, Cancel);
        Assert.Equal("host", inspected.HostConfig.NetworkMode);
        Assert.Equal("true", inspected.Config.Labels[DockerTestImage.TestLabel]);
    }

    [Fact]
    public async Task None_mode_container_logs_can_be_read()
    {
        var id = await containers.StartSleeperAsync("echo hello-from-none; echo to-stderr >&2", cancellationToken: Cancel);

        var stdout = await containers.WaitForLogAsync(id, "hello-from-none", cancellationToken: Cancel);
        var (_, stderr) = await containers.ReadLogsAsync(id, Cancel);

        Assert.Equal("hello-from-none\n", stdout);
        Assert.Contains("to-stderr", stderr, StringComparison.Ordinal);
        var inspected = await docker.Client.Containers.InspectContainerAsync(id, Cancel);
        Assert.Equal("none", inspected.HostConfig.NetworkMode);
        Assert.True(inspected.State.Running);
    }

    [Fact]
    public async Task Bridge_network_mode_is_refused()
    {
        var parameters = new CreateContainerParameters
        {
            Cmd = ["sleep", "1"],
            HostConfig = new HostConfig { NetworkMode = "bridge" },
        };

        await Assert.ThrowsAsync<ArgumentException>(() => containers.StartAsync(parameters, Cancel));
        Assert.Empty(containers.Ids);
    }
}
