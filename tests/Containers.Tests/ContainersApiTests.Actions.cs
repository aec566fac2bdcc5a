using Docker.DotNet;
using Docker.DotNet.Models;

namespace WakeDock.Containers.Tests;

/// <summary>Lifecycle actions, remove and rename, each checked with the engine.</summary>
public sealed partial class ContainersApiTests
{
    [Fact]
    public async Task Lifecycle_actions_change_the_container_and_repeating_one_is_not_an_error()
    {
        await using var containers = fixture.CreateTestContainers();
        var id = await containers.StartSleeperAsync(cancellationToken: Cancel);
        using var client = await fixture.ClientAsync("operator");

        await ActAsync(client, id, "stop?timeout=0", changed: true, "exited");
        Assert.False((await InspectAsync(id)).State.Running);
        await ActAsync(client, id, "stop?timeout=0", changed: false, "exited");

        await ActAsync(client, id, "start", changed: true, "running");
        Assert.True((await InspectAsync(id)).State.Running);
        await ActAsync(client, id, "start", changed: false, "running");

        await ActAsync(client, id, "pause", changed: true, "paused");
        Assert.True((await InspectAsync(id)).State.Paused);
        await ActAsync(client, id, "pause", changed: false, "paused");

        await ActAsync(client, id, "unpause", changed: true, "running");
        Assert.False((await InspectAsync(id)).State.Paused);
        await ActAsync(client, id, "unpause", changed: false, "running");

        var startedBefore = (await InspectAsync(id)).State.StartedAt;
        await ActAsync(client, id, "restart?timeout=0", changed: true, "running");
        var restarted = await InspectAsync(id);
        Assert.True(restarted.State.Running);
        Assert.NotEqual(startedBefore, restarted.State.StartedAt);

        await ActAsync(client, id, "kill?signal=SIGKILL", changed: true, state: null);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((await InspectAsync(id)).State.Running && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, Cancel);
        }

        var killed = await InspectAsync(id);
        Assert.False(killed.State.Running);
        Assert.Equal(137, killed.State.ExitCode);

        // Nothing to signal, nothing to pause: these stay conflicts.
        foreach (var action in new[] { "kill", "pause", "unpause" })
        {
            using var response = await client.PostAsync($"/api/v1/containers/{id}/{action}", null, Cancel);
            await AssertProblemAsync(response, HttpStatusCode.Conflict);
        }
    }

    [Fact]
    public async Task Kill_sends_the_named_signal_and_bad_parameters_are_400()
    {
        await using var containers = fixture.CreateTestContainers();
        // The shell traps HUP and says so; sleep runs in the background so the trap fires at once.
        var id = await containers.StartAsync(new CreateContainerParameters
        {
            Cmd = ["sh", "-c", "trap 'echo got-hup' HUP; echo ready; while true; do sleep 1 & wait $!; done"],
        }, Cancel);
        await containers.WaitForLogAsync(id, "ready", cancellationToken: Cancel);
        using var client = await fixture.ClientAsync("operator");

        await ActAsync(client, id, "kill?signal=HUP", changed: true, "running");
        await containers.WaitForLogAsync(id, "got-hup", TimeSpan.FromSeconds(10), Cancel);

        foreach (var bad in new[] { "kill?signal=99", "kill?signal=NOT%20A%20SIGNAL", "stop?timeout=-1", "stop?timeout=soon", "restart?timeout=99999" })
        {
            using var response = await client.PostAsync($"/api/v1/containers/{id}/{bad}", null, Cancel);
            var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
            Assert.True(problem.TryGetProperty("errors", out _), problem.GetRawText());
        }

        Assert.True((await InspectAsync(id)).State.Running);
    }

    [Fact]
    public async Task Remove_refuses_a_running_container_without_force_and_keeps_or_removes_anonymous_volumes()
    {
        await using var containers = fixture.CreateTestContainers();
        var keep = await StartWithVolumeAsync(containers);
        var drop = await StartWithVolumeAsync(containers);
        var keptVolume = (await InspectAsync(keep)).Mounts.Single().Name;
        var droppedVolume = (await InspectAsync(drop)).Mounts.Single().Name;
        using var client = await fixture.ClientAsync("operator");
        try
        {
            using (var running = await client.DeleteAsync($"/api/v1/containers/{keep}", Cancel))
            {
                await AssertProblemAsync(running, HttpStatusCode.Conflict);
            }

            Assert.True((await InspectAsync(keep)).State.Running);

            using (var removed = await client.DeleteAsync($"/api/v1/containers/{keep}?force=true", Cancel))
            {
                Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
            }

            using (var removed = await client.DeleteAsync($"/api/v1/containers/{drop}?force=true&volumes=true", Cancel))
            {
                Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
            }

            await Assert.ThrowsAnyAsync<DockerApiException>(() => InspectAsync(keep));
            await Assert.ThrowsAnyAsync<DockerApiException>(() => InspectAsync(drop));
            Assert.Equal(keptVolume, (await fixture.Docker.Volumes.InspectAsync(keptVolume, Cancel)).Name);
            await Assert.ThrowsAnyAsync<DockerApiException>(() => fixture.Docker.Volumes.InspectAsync(droppedVolume, Cancel));
        }
        finally
        {
            foreach (var volume in new[] { keptVolume, droppedVolume })
            {
                try
                {
                    await fixture.Docker.Volumes.RemoveAsync(volume, force: true, CancellationToken.None);
                }
                catch (DockerApiException)
                {
                    // Already removed (by the test or with its container).
                }
            }
        }
    }

    [Fact]
    public async Task Rename_validates_the_name_and_a_taken_name_is_409()
    {
        await using var containers = fixture.CreateTestContainers();
        var id = await containers.StartSleeperAsync(cancellationToken: Cancel);
        var other = await containers.StartSleeperAsync(cancellationToken: Cancel);
        var otherName = (await InspectAsync(other)).Name.TrimStart('/');
        var newName = "wakedock-test-renamed-" + Guid.NewGuid().ToString("N")[..8];
        using var client = await fixture.ClientAsync("operator");

        using (var renamed = await client.PostAsJsonAsync($"/api/v1/containers/{id}/rename", new { name = newName }, Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
            var body = await renamed.Content.ReadFromJsonAsync<JsonElement>(Cancel);
            Assert.Equal(id, body.GetProperty("id").GetString());
            Assert.Equal(newName, body.GetProperty("names")[0].GetString());
        }

        Assert.Equal("/" + newName, (await InspectAsync(id)).Name);

        using (var taken = await client.PostAsJsonAsync($"/api/v1/containers/{id}/rename", new { name = otherName }, Cancel))
        {
            await AssertProblemAsync(taken, HttpStatusCode.Conflict);
        }

        foreach (var bad in new[] { "-starts-with-dash", "a", "has space", "slash/inside", "" })
        {
            using var response = await client.PostAsJsonAsync($"/api/v1/containers/{id}/rename", new { name = bad }, Cancel);
            var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty("name", out _));
        }

        Assert.Equal("/" + newName, (await InspectAsync(id)).Name);
    }

    private static async Task ActAsync(HttpClient client, string id, string action, bool changed, string? state)
    {
        using var response = await client.PostAsync($"/api/v1/containers/{id}/{action}", null, Cancel);
        var body = await response.Content.ReadAsStringAsync(Cancel);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{action}: {response.StatusCode} {body}");
        var result = JsonDocument.Parse(body).RootElement;
        Assert.Equal(id, result.GetProperty("id").GetString());
        Assert.Equal(action.Split('?')[0], result.GetProperty("action").GetString());
        Assert.True(changed == result.GetProperty("changed").GetBoolean(), $"{action}: {body}");
        if (state is not null)
        {
            Assert.Equal(state, result.GetProperty("state").GetString());
        }
    }

    private Task<ContainerInspectResponse> InspectAsync(string id) => fixture.Docker.Containers.InspectContainerAsync(id, Cancel);

    private static Task<string> StartWithVolumeAsync(WakeDock.Testing.DockerTestContainers containers) =>
        containers.StartAsync(new CreateContainerParameters
        {
            Cmd = ["sh", "-c", "exec sleep 3600"],
            Volumes = new Dictionary<string, EmptyStruct> { ["/data"] = default },
        }, Cancel);
}
