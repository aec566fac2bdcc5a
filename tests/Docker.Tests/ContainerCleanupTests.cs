namespace WakeDock.Docker.Tests;

/// <summary>Whatever a test starts is gone after the tracker is disposed.</summary>
public sealed class ContainerCleanupTests(DockerTestImageFixture docker)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Dispose_force_removes_every_tracked_container()
    {
        string[] ids;
        await using (var containers = docker.CreateContainers())
        {
            var httpd = await containers.StartHttpdAsync(cancellationToken: Cancel);
            var sleeper = await containers.StartSleeperAsync(cancellationToken: Cancel);
            ids = [httpd.Id, sleeper];
            Assert.Equal(ids.Order(), containers.Ids.Order());
        }

        foreach (var id in ids)
        {
            await Assert.ThrowsAsync<DockerContainerNotFoundException>(
                () => docker.Client.Containers.InspectContainerAsync(id, Cancel));
        }
    }

    [Fact]
    public async Task Containers_are_removed_even_when_the_test_body_throws()
    {
        var containers = docker.CreateContainers();
        string? id = null;
        try
        {
            await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            {
                await using (containers)
                {
                    id = await containers.StartSleeperAsync(cancellationToken: Cancel);
                    throw new InvalidOperationException("the test failed");
                }
            });
        }
        finally
        {
            await containers.DisposeAsync();
        }

        Assert.NotNull(id);
        await Assert.ThrowsAsync<DockerContainerNotFoundException>(
            () => docker.Client.Containers.InspectContainerAsync(id, Cancel));
    }

    [Fact]
    public async Task Orphans_of_dead_test_processes_are_swept()
    {
        // A container that claims to belong to a process id that cannot exist (above pid_max).
        await using var containers = docker.CreateContainers();
        var id = await containers.StartAsync(new CreateContainerParameters
        {
            Cmd = ["sleep", "3600"],
            HostConfig = new HostConfig { NetworkMode = "none" },
        }, Cancel);
        var orphan = await docker.Client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = DockerTestImage.Name,
            Cmd = ["sleep", "3600"],
            Labels = new Dictionary<string, string>
            {
                [DockerTestImage.TestLabel] = "true",
                [DockerTestContainers.OwnerPidLabel] = "2147483646",
            },
            HostConfig = new HostConfig { NetworkMode = "none" },
        }, Cancel);

        await DockerTestContainers.RemoveOrphansAsync(docker.Client, Cancel);

        await Assert.ThrowsAsync<DockerContainerNotFoundException>(
            () => docker.Client.Containers.InspectContainerAsync(orphan.ID, Cancel));
        var ours = await docker.Client.Containers.InspectContainerAsync(id, Cancel);
        Assert.True(ours.State.Running);
    }
}
