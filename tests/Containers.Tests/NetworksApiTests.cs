using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using Docker.DotNet;
using Docker.DotNet.Models;
using WakeDock.Testing;

namespace WakeDock.Containers.Tests;

/// <summary>
/// <c>/api/v1/networks</c> through the Gateway against the real engine. Networks are created and
/// inspected, containers connected while stopped: no packet is ever sent across a network.
/// </summary>
public sealed class NetworksApiTests(ContainersFixture fixture)
{
    private static readonly string[] AppAlias = ["app"];

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_network_is_created_with_its_subnet_listed_inspected_and_removed()
    {
        await using var leftovers = new EngineLeftovers(fixture.Docker);
        using var client = await fixture.ClientAsync("operator");
        var run = Guid.NewGuid().ToString("N")[..12];
        // A random 10.x.y.0/24 keeps clear of the engine's pools and of parallel runs.
        var (subnet, gateway) = RandomSubnet();

        using var created = await client.PostAsJsonAsync("/api/v1/networks", new
        {
            name = $"wakedock-test-{run}",
            @internal = true,
            labels = EngineLeftovers.Labels(("wakedock.test.run", run)),
            ipam = new { subnet, gateway },
        }, Cancel);
        var network = await created.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.True(created.StatusCode == HttpStatusCode.Created, network.ToString());
        var id = network.GetProperty("id").GetString()!;
        leftovers.Network(id);

        Assert.Equal($"/api/v1/networks/{id}", created.Headers.Location?.ToString());
        Assert.Equal("bridge", network.GetProperty("driver").GetString());
        Assert.True(network.GetProperty("internal").GetBoolean());
        Assert.Equal(subnet, network.GetProperty("subnets")[0].GetProperty("subnet").GetString());
        Assert.Equal(gateway, network.GetProperty("subnets")[0].GetProperty("gateway").GetString());

        var inspected = await client.GetFromJsonAsync<JsonElement>($"/api/v1/networks/{id}", Cancel);
        Assert.Equal($"wakedock-test-{run}", inspected.GetProperty("name").GetString());
        Assert.Equal(run, inspected.GetProperty("labels").GetProperty("wakedock.test.run").GetString());

        var byLabel = await client.GetFromJsonAsync<JsonElement[]>($"/api/v1/networks?label=wakedock.test.run={run}", Cancel);
        Assert.Equal(id, Assert.Single(byLabel!).GetProperty("id").GetString());
        var byName = await client.GetFromJsonAsync<JsonElement[]>($"/api/v1/networks?name=wakedock-test-{run}&driver=bridge", Cancel);
        Assert.Single(byName!);
        var builtin = await client.GetFromJsonAsync<JsonElement[]>("/api/v1/networks?type=builtin", Cancel);
        Assert.Contains(builtin!, n => n.GetProperty("name").GetString() == "bridge");

        using var removed = await client.DeleteAsync($"/api/v1/networks/{id}", Cancel);
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        using var gone = await client.GetAsync($"/api/v1/networks/{id}", Cancel);
        await AssertProblemAsync(gone, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Invalid_networks_are_refused_with_the_fields_at_fault()
    {
        using var client = await fixture.ClientAsync("operator");

        await AssertInvalidAsync(client, new { name = "" }, "name");
        await AssertInvalidAsync(client, new { name = "-bad" }, "name");
        await AssertInvalidAsync(client, new { name = "bridge" }, "name");
        await AssertInvalidAsync(client, new { name = "wakedock-test-x", driver = "host" }, "driver");
        await AssertInvalidAsync(client, new { name = "wakedock-test-x", ipam = new { subnet = "10.1.2.3/24" } }, "ipam.subnet");
        await AssertInvalidAsync(client, new { name = "wakedock-test-x", ipam = new { subnet = "not-a-subnet" } }, "ipam.subnet");
        await AssertInvalidAsync(client, new { name = "wakedock-test-x", ipam = new { gateway = "10.1.2.1" } }, "ipam.subnet");
        await AssertInvalidAsync(client, new { name = "wakedock-test-x", ipam = new { subnet = "10.1.2.0/24", gateway = "10.9.9.1" } }, "ipam.gateway");
        await AssertInvalidAsync(client, new { name = "wakedock-test-x", labels = new Dictionary<string, string> { [""] = "x" } }, "labels");

        using var badFilter = await client.GetAsync("/api/v1/networks?type=weird", Cancel);
        await AssertProblemAsync(badFilter, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_taken_name_and_removing_a_predefined_network_are_conflicts()
    {
        await using var leftovers = new EngineLeftovers(fixture.Docker);
        using var client = await fixture.ClientAsync("operator");
        var name = $"wakedock-test-{Guid.NewGuid():N}"[..26];

        var first = await CreateAsync(client, leftovers, name);
        Assert.NotNull(first);
        using var second = await client.PostAsJsonAsync("/api/v1/networks", new { name, labels = EngineLeftovers.Labels() }, Cancel);
        await AssertProblemAsync(second, HttpStatusCode.Conflict);

        using var predefined = await client.DeleteAsync("/api/v1/networks/bridge", Cancel);
        await AssertProblemAsync(predefined, HttpStatusCode.Conflict);
        using var unknown = await client.DeleteAsync($"/api/v1/networks/wakedock-missing-{Guid.NewGuid():N}", Cancel);
        await AssertProblemAsync(unknown, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_stopped_container_is_connected_and_disconnected()
    {
        await using var leftovers = new EngineLeftovers(fixture.Docker);
        using var client = await fixture.ClientAsync("operator");
        var name = $"wakedock-test-{Guid.NewGuid():N}"[..26];
        var id = await CreateAsync(client, leftovers, name);
        // Created on the default bridge and never started: connectable, and it sends nothing.
        var container = await leftovers.CreateContainerAsync(fixture.TestImage, new HostConfig { NetworkMode = "bridge" });

        using var connected = await client.PostAsJsonAsync($"/api/v1/networks/{id}/connect", new { container, aliases = AppAlias }, Cancel);
        Assert.Equal(HttpStatusCode.NoContent, connected.StatusCode);
        var networks = (await fixture.Docker.Containers.InspectContainerAsync(container, Cancel)).NetworkSettings.Networks;
        // A container that never ran has no endpoint yet: the engine knows the network by name only.
        Assert.Contains("app", Assert.Contains(name, networks).Aliases);

        using var again = await client.PostAsJsonAsync($"/api/v1/networks/{id}/connect", new { container }, Cancel);
        Assert.True(again.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.NoContent, again.StatusCode.ToString());

        using var disconnected = await client.PostAsJsonAsync($"/api/v1/networks/{id}/disconnect", new { container, force = false }, Cancel);
        Assert.Equal(HttpStatusCode.NoContent, disconnected.StatusCode);
        networks = (await fixture.Docker.Containers.InspectContainerAsync(container, Cancel)).NetworkSettings.Networks;
        Assert.DoesNotContain(name, networks.Keys);

        using var missing = await client.PostAsJsonAsync($"/api/v1/networks/{id}/disconnect", new { container = $"wakedock-missing-{Guid.NewGuid():N}" }, Cancel);
        await AssertProblemAsync(missing, HttpStatusCode.NotFound);
        using var noContainer = await client.PostAsJsonAsync($"/api/v1/networks/{id}/connect", new { container = "" }, Cancel);
        await AssertProblemAsync(noContainer, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Prune_removes_unused_networks_with_the_given_label_only()
    {
        await using var leftovers = new EngineLeftovers(fixture.Docker);
        using var client = await fixture.ClientAsync("operator");
        var run = Guid.NewGuid().ToString("N")[..12];
        var pruned = await CreateAsync(client, leftovers, $"wakedock-test-{run}-a", ("wakedock.test.prune", run));
        var kept = await CreateAsync(client, leftovers, $"wakedock-test-{run}-b");

        using var response = await client.PostAsJsonAsync("/api/v1/networks/prune", new { labels = new[] { $"wakedock.test.prune={run}" } }, Cancel);
        var result = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);

        Assert.True(response.StatusCode == HttpStatusCode.OK, result.ToString());
        var deleted = result.GetProperty("deleted").EnumerateArray().Select(name => name.GetString()).ToArray();
        Assert.Contains($"wakedock-test-{run}-a", deleted);
        Assert.DoesNotContain($"wakedock-test-{run}-b", deleted);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/networks/{pruned}", Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/v1/networks/{kept}", Cancel)).StatusCode);
    }

    [Fact]
    public async Task Reading_needs_a_sign_in_and_changing_needs_an_operator()
    {
        using var anonymous = await fixture.ClientAsync(null);
        using var viewer = await fixture.ClientAsync("viewer");

        using var list = await anonymous.GetAsync("/api/v1/networks", Cancel);
        Assert.Equal(HttpStatusCode.Unauthorized, list.StatusCode);
        using var read = await viewer.GetAsync("/api/v1/networks", Cancel);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        using var create = await viewer.PostAsJsonAsync("/api/v1/networks", new { name = "wakedock-test-viewer" }, Cancel);
        await AssertProblemAsync(create, HttpStatusCode.Forbidden);
        using var prune = await viewer.PostAsJsonAsync("/api/v1/networks/prune", new { }, Cancel);
        await AssertProblemAsync(prune, HttpStatusCode.Forbidden);
        using var remove = await viewer.DeleteAsync("/api/v1/networks/bridge", Cancel);
        await AssertProblemAsync(remove, HttpStatusCode.Forbidden);
    }

    private static async Task<string> CreateAsync(HttpClient client, EngineLeftovers leftovers, string name, params (string Key, string Value)[] labels)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/networks", new { name, labels = EngineLeftovers.Labels(labels) }, Cancel);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.True(response.StatusCode == HttpStatusCode.Created, body.ToString());
        var id = body.GetProperty("id").GetString()!;
        leftovers.Network(id);
        return id;
    }

    private async Task AssertInvalidAsync(HttpClient client, object request, string field)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/networks", request, Cancel);
        if (response.IsSuccessStatusCode)
        {
            // Wrongly accepted: do not leave the network behind before failing.
            var created = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
            await fixture.Docker.Networks.DeleteNetworkAsync(created.GetProperty("id").GetString(), Cancel);
        }

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    internal static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync(Cancel);
        Assert.True(response.StatusCode == status, $"{response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        return problem;
    }

    private static (string Subnet, string Gateway) RandomSubnet()
    {
        var second = System.Security.Cryptography.RandomNumberGenerator.GetInt32(200, 250);
        var third = System.Security.Cryptography.RandomNumberGenerator.GetInt32(0, 256);
        var prefix = string.Create(CultureInfo.InvariantCulture, $"10.{second}.{third}");
        return ($"{prefix}.0/24", $"{prefix}.1");
    }
}

/// <summary>
/// What a test creates on the engine — images, networks, volumes, stopped containers — labelled
/// <c>wakedock.test=true</c> and removed at dispose (newest first), whether the test passed or not.
/// Shared by the image, network and volume tests.
/// </summary>
internal sealed class EngineLeftovers(DockerClient docker) : IAsyncDisposable
{
    private readonly ConcurrentStack<Func<CancellationToken, Task>> removals = new();

    /// <summary><c>wakedock.test=true</c> plus <paramref name="extra"/>.</summary>
    public static Dictionary<string, string> Labels(params (string Key, string Value)[] extra)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal) { [DockerTestImage.TestLabel] = "true" };
        foreach (var (key, value) in extra)
        {
            labels[key] = value;
        }

        return labels;
    }

    public void Image(string reference) =>
        removals.Push(token => docker.Images.DeleteImageAsync(reference, new ImageDeleteParameters { Force = true }, token));

    public void Network(string id) => removals.Push(token => docker.Networks.DeleteNetworkAsync(id, token));

    public void Volume(string name) => removals.Push(token => docker.Volumes.RemoveAsync(name, true, token));

    /// <summary>Creates (never starts) a container; the orphan sweep finds it by its owner label if this process dies.</summary>
    public async Task<string> CreateContainerAsync(string image, HostConfig hostConfig, IList<string>? cmd = null)
    {
        var created = await docker.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Name = "wakedock-test-" + Guid.NewGuid().ToString("N")[..12],
            Image = image,
            Cmd = cmd ?? ["sleep", "3600"],
            Labels = Labels((DockerTestContainers.OwnerPidLabel, Environment.ProcessId.ToString(CultureInfo.InvariantCulture))),
            HostConfig = hostConfig,
        }, TestContext.Current.CancellationToken);
        removals.Push(token => docker.Containers.RemoveContainerAsync(created.ID, new ContainerRemoveParameters { Force = true }, token));
        return created.ID;
    }

    public async ValueTask DisposeAsync()
    {
        while (removals.TryPop(out var remove))
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await remove(timeout.Token);
            }
            catch (DockerApiException)
            {
                // Already removed by the test (or by a prune): nothing left.
            }
        }
    }
}
