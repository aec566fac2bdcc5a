using Docker.DotNet.Models;

namespace WakeDock.Containers.Tests;

/// <summary><c>/api/v1/volumes</c> through the Gateway against the real engine.</summary>
public sealed class VolumesApiTests(ContainersFixture fixture)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_volume_is_created_listed_inspected_and_removed()
    {
        await using var leftovers = new EngineLeftovers(fixture.Docker);
        using var client = await fixture.ClientAsync("operator");
        var run = Guid.NewGuid().ToString("N")[..12];
        var name = $"wakedock-test-{run}";

        using var created = await client.PostAsJsonAsync("/api/v1/volumes", new { name, labels = EngineLeftovers.Labels(("wakedock.test.run", run)) }, Cancel);
        var volume = await created.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.True(created.StatusCode == HttpStatusCode.Created, volume.ToString());
        leftovers.Volume(name);
        Assert.Equal($"/api/v1/volumes/{name}", created.Headers.Location?.ToString());
        Assert.Equal(name, volume.GetProperty("name").GetString());
        Assert.Equal("local", volume.GetProperty("driver").GetString());
        Assert.False(string.IsNullOrEmpty(volume.GetProperty("mountpoint").GetString()));

        var inspected = await client.GetFromJsonAsync<JsonElement>($"/api/v1/volumes/{name}", Cancel);
        Assert.Equal(run, inspected.GetProperty("labels").GetProperty("wakedock.test.run").GetString());
        Assert.True(inspected.TryGetProperty("createdAt", out _));

        var byLabel = await client.GetFromJsonAsync<JsonElement[]>($"/api/v1/volumes?label=wakedock.test.run={run}", Cancel);
        Assert.Equal(name, Assert.Single(byLabel!).GetProperty("name").GetString());
        var byName = await client.GetFromJsonAsync<JsonElement[]>($"/api/v1/volumes?name={name}&dangling=true", Cancel);
        Assert.Single(byName!);

        using var removed = await client.DeleteAsync($"/api/v1/volumes/{name}", Cancel);
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        using var gone = await client.GetAsync($"/api/v1/volumes/{name}", Cancel);
        await NetworksApiTests.AssertProblemAsync(gone, HttpStatusCode.NotFound);
        using var again = await client.DeleteAsync($"/api/v1/volumes/{name}", Cancel);
        await NetworksApiTests.AssertProblemAsync(again, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_volume_without_a_name_gets_one_from_the_engine()
    {
        await using var leftovers = new EngineLeftovers(fixture.Docker);
        using var client = await fixture.ClientAsync("operator");

        using var created = await client.PostAsJsonAsync("/api/v1/volumes", new { labels = EngineLeftovers.Labels() }, Cancel);
        var volume = await created.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.True(created.StatusCode == HttpStatusCode.Created, volume.ToString());
        var name = volume.GetProperty("name").GetString()!;
        leftovers.Volume(name);

        Assert.Matches("^[0-9a-f]{64}$", name);
    }

    [Fact]
    public async Task A_taken_name_is_a_conflict_and_invalid_requests_are_refused()
    {
        await using var leftovers = new EngineLeftovers(fixture.Docker);
        using var client = await fixture.ClientAsync("operator");
        var name = $"wakedock-test-{Guid.NewGuid():N}"[..26];
        using (var created = await client.PostAsJsonAsync("/api/v1/volumes", new { name, labels = EngineLeftovers.Labels() }, Cancel))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            leftovers.Volume(name);
        }

        using var taken = await client.PostAsJsonAsync("/api/v1/volumes", new { name }, Cancel);
        await NetworksApiTests.AssertProblemAsync(taken, HttpStatusCode.Conflict);

        foreach (var (request, field) in new (object, string)[]
        {
            (new { name = "x" }, "name"),
            (new { name = "has space" }, "name"),
            (new { name = "../etc" }, "name"),
            (new { name = "wakedock-test-ok", driver = "bad driver" }, "driver"),
            (new { name = "wakedock-test-ok", labels = new Dictionary<string, string> { ["a=b"] = "c" } }, "labels"),
        })
        {
            using var response = await client.PostAsJsonAsync("/api/v1/volumes", request, Cancel);
            var problem = await NetworksApiTests.AssertProblemAsync(response, HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        }
    }

    [Fact]
    public async Task A_volume_in_use_cannot_be_removed()
    {
        await using var leftovers = new EngineLeftovers(fixture.Docker);
        using var client = await fixture.ClientAsync("operator");
        var name = $"wakedock-test-{Guid.NewGuid():N}"[..26];
        using (var created = await client.PostAsJsonAsync("/api/v1/volumes", new { name, labels = EngineLeftovers.Labels() }, Cancel))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            leftovers.Volume(name);
        }

        // A stopped container that mounts it is enough to hold it.
        await leftovers.CreateContainerAsync(fixture.TestImage, new HostConfig { NetworkMode = "none", Binds = [$"{name}:/data"] });

        using var removed = await client.DeleteAsync($"/api/v1/volumes/{name}", Cancel);
        var problem = await NetworksApiTests.AssertProblemAsync(removed, HttpStatusCode.Conflict);
        Assert.Contains("in use", problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        var used = await client.GetFromJsonAsync<JsonElement[]>($"/api/v1/volumes?name={name}&dangling=false", Cancel);
        Assert.Single(used!);
    }

    [Fact]
    public async Task Prune_removes_unused_volumes_with_the_given_label_only()
    {
        await using var leftovers = new EngineLeftovers(fixture.Docker);
        using var client = await fixture.ClientAsync("operator");
        var run = Guid.NewGuid().ToString("N")[..12];
        foreach (var (suffix, labels) in new[] { ("a", EngineLeftovers.Labels(("wakedock.test.prune", run))), ("b", EngineLeftovers.Labels()) })
        {
            using var created = await client.PostAsJsonAsync("/api/v1/volumes", new { name = $"wakedock-test-{run}-{suffix}", labels }, Cancel);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            leftovers.Volume($"wakedock-test-{run}-{suffix}");
        }

        using var response = await client.PostAsJsonAsync("/api/v1/volumes/prune", new { labels = new[] { $"wakedock.test.prune={run}" } }, Cancel);
        var result = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);

        Assert.True(response.StatusCode == HttpStatusCode.OK, result.ToString());
        var deleted = result.GetProperty("deleted").EnumerateArray().Select(name => name.GetString()).ToArray();
        Assert.Equal([$"wakedock-test-{run}-a"], deleted);
        Assert.True(result.GetProperty("spaceReclaimed").GetInt64() >= 0);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/v1/volumes/wakedock-test-{run}-b", Cancel)).StatusCode);
    }

    [Fact]
    public async Task Reading_needs_a_sign_in_and_changing_needs_an_operator()
    {
        using var anonymous = await fixture.ClientAsync(null);
        using var viewer = await fixture.ClientAsync("viewer");

        using var list = await anonymous.GetAsync("/api/v1/volumes", Cancel);
        Assert.Equal(HttpStatusCode.Unauthorized, list.StatusCode);
        using var read = await viewer.GetAsync("/api/v1/volumes", Cancel);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        using var create = await viewer.PostAsJsonAsync("/api/v1/volumes", new { name = "wakedock-test-viewer" }, Cancel);
        await NetworksApiTests.AssertProblemAsync(create, HttpStatusCode.Forbidden);
        using var remove = await viewer.DeleteAsync("/api/v1/volumes/wakedock-test-viewer", Cancel);
        await NetworksApiTests.AssertProblemAsync(remove, HttpStatusCode.Forbidden);
        using var prune = await viewer.PostAsJsonAsync("/api/v1/volumes/prune", new { }, Cancel);
        await NetworksApiTests.AssertProblemAsync(prune, HttpStatusCode.Forbidden);
    }
}
