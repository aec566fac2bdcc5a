using Docker.DotNet.Models;
using WakeDock.Testing;

namespace WakeDock.Containers.Tests;

/// <summary><c>/api/v1/engine</c> (info, version, disk usage) through the Gateway against the real engine.</summary>
public sealed class EngineApiTests(ContainersFixture fixture)
{
    private static readonly string[] Groups = ["images", "containers", "volumes", "buildCache"];

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Info_describes_the_engine_and_counts_its_containers()
    {
        await using var containers = fixture.CreateTestContainers();
        await containers.StartSleeperAsync(cancellationToken: Cancel);
        var expected = await fixture.Docker.System.GetSystemInfoAsync(Cancel);
        using var client = await fixture.ClientAsync("viewer");

        var info = await client.GetFromJsonAsync<JsonElement>("/api/v1/engine/info", Cancel);

        Assert.Equal(expected.ID, info.GetProperty("id").GetString());
        Assert.Equal(expected.ServerVersion, info.GetProperty("serverVersion").GetString());
        Assert.Equal("linux", info.GetProperty("osType").GetString());
        Assert.True(info.GetProperty("cpus").GetInt64() > 0);
        Assert.True(info.GetProperty("memoryBytes").GetInt64() > 0);
        Assert.True(info.GetProperty("containers").GetProperty("running").GetInt64() >= 1);
        Assert.True(info.GetProperty("images").GetInt64() >= 1);
        Assert.False(string.IsNullOrEmpty(info.GetProperty("storageDriver").GetString()));
        Assert.StartsWith("unix://", info.GetProperty("endpoint").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Version_answers_the_engine_and_API_versions()
    {
        var expected = await fixture.Docker.System.GetVersionAsync(Cancel);
        using var client = await fixture.ClientAsync("viewer");

        var version = await client.GetFromJsonAsync<JsonElement>("/api/v1/engine/version", Cancel);

        Assert.Equal(expected.Version, version.GetProperty("version").GetString());
        Assert.Equal(expected.APIVersion, version.GetProperty("apiVersion").GetString());
        Assert.True(System.Version.Parse(version.GetProperty("apiVersion").GetString()!) >= new System.Version(1, 41));
        Assert.Equal("1.41", version.GetProperty("clientApiVersion").GetString());
        Assert.Equal("linux", version.GetProperty("os").GetString());
        Assert.NotEmpty(version.GetProperty("components").EnumerateArray());
    }

    [Fact]
    public async Task Disk_usage_sums_images_containers_volumes_and_build_cache_with_their_items()
    {
        await using var containers = fixture.CreateTestContainers();
        var id = await containers.StartAsync(new CreateContainerParameters
        {
            // Some bytes in the writable layer, and an anonymous volume in use.
            Cmd = ["sh", "-c", "echo some-bytes > /tmp/file; exec sleep 3600"],
            Volumes = new Dictionary<string, EmptyStruct> { ["/data"] = default },
        }, Cancel);
        var volume = (await fixture.Docker.Containers.InspectContainerAsync(id, Cancel)).Mounts.Single().Name;
        using var client = await fixture.ClientAsync("viewer");

        var df = await client.GetFromJsonAsync<JsonElement>("/api/v1/engine/df", Cancel);

        var images = df.GetProperty("images");
        Assert.True(images.GetProperty("size").GetInt64() > 0);
        Assert.True(images.GetProperty("active").GetInt32() >= 1);
        Assert.Equal(images.GetProperty("count").GetInt32(), images.GetProperty("items").GetArrayLength());
        var image = Assert.Single(images.GetProperty("items").EnumerateArray(),
            item => item.GetProperty("tags").EnumerateArray().Any(tag => tag.GetString() == DockerTestImage.Name));
        Assert.True(image.GetProperty("containers").GetInt64() >= 1);
        Assert.True(image.GetProperty("size").GetInt64() > 0);

        var container = Assert.Single(df.GetProperty("containers").GetProperty("items").EnumerateArray(), item => item.GetProperty("id").GetString() == id);
        Assert.Equal("running", container.GetProperty("state").GetString());
        Assert.True(df.GetProperty("containers").GetProperty("active").GetInt32() >= 1);

        var volumeRow = Assert.Single(df.GetProperty("volumes").GetProperty("items").EnumerateArray(), item => item.GetProperty("name").GetString() == volume);
        Assert.Equal(1, volumeRow.GetProperty("refCount").GetInt64());
        Assert.Equal("local", volumeRow.GetProperty("driver").GetString());

        var cache = df.GetProperty("buildCache");
        Assert.Equal(cache.GetProperty("count").GetInt32(), cache.GetProperty("items").GetArrayLength());

        var groups = Groups.Select(name => df.GetProperty(name)).ToArray();
        Assert.Equal(groups.Sum(group => group.GetProperty("size").GetInt64()), df.GetProperty("totalSize").GetInt64());
        Assert.Equal(groups.Sum(group => group.GetProperty("reclaimable").GetInt64()), df.GetProperty("totalReclaimable").GetInt64());
        Assert.All(groups, group => Assert.InRange(group.GetProperty("reclaimable").GetInt64(), 0, group.GetProperty("size").GetInt64()));
    }

    [Fact]
    public async Task Engine_endpoints_need_a_signed_in_caller()
    {
        using var anonymous = await fixture.ClientAsync(null);

        foreach (var path in new[] { "/api/v1/engine/info", "/api/v1/engine/version", "/api/v1/engine/df" })
        {
            using var response = await anonymous.GetAsync(path, Cancel);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
    }

    [Fact]
    public async Task An_unreachable_engine_is_a_503_problem_for_every_engine_endpoint()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"wakedock-no-docker-{Guid.NewGuid():N}.sock");
        // Its own service name: its bus queues are its own, so it never takes commands meant for a working replica.
        await using var host = fixture.StartContainers(new Dictionary<string, string?> { ["Docker:Host"] = $"unix://{missing}", ["OTEL_SERVICE_NAME"] = "containers-without-engine" });
        using var client = await fixture.ClientAsync("viewer", host.BaseAddress);

        foreach (var path in new[] { "/api/v1/engine/info", "/api/v1/engine/version", "/api/v1/engine/df" })
        {
            using var response = await client.GetAsync(path, Cancel);
            var problem = await ContainersApiTests.AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable);
            Assert.Contains(missing, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.NotNull(response.Headers.RetryAfter);
        }
    }
}
