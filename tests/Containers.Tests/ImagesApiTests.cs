using System.Formats.Tar;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Docker.DotNet.Models;
using WakeDock.Testing;

namespace WakeDock.Containers.Tests;

/// <summary>
/// <c>/api/v1/images</c> through the Gateway against the real engine. Pulls come from a local
/// <c>docker-registry</c> on 127.0.0.1 holding images built here from random bytes: nothing is
/// fetched from Docker Hub.
/// </summary>
public sealed class ImagesApiTests(ContainersFixture fixture, LocalRegistry registry) : IClassFixture<LocalRegistry>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_pull_streams_per_layer_progress_as_server_sent_events_and_ends_with_the_image_id()
    {
        await using var leftovers = new EngineLeftovers(fixture.Docker);
        var (repository, id) = await PushUniqueImageAsync(leftovers, "v1");
        using var client = await fixture.ClientAsync("operator");

        using var response = await PullAsync(client, new { image = repository, tag = "v1" }, "text/event-stream");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = await ReadServerSentEventsAsync(response);

        Assert.True(events.Count(e => e.Type == "progress") >= 3, string.Join('\n', events));
        Assert.Contains(events, e => e.Type == "progress" && e.Data.TryGetProperty("layer", out _)
            && e.Data.GetProperty("status").GetString() is "Downloading" or "Download complete" or "Pull complete");
        var last = events[^1];
        Assert.True(last.Type == "complete", string.Join('\n', events));
        Assert.All(events[..^1], e => Assert.Equal("progress", e.Type));
        Assert.Equal(id, last.Data.GetProperty("id").GetString());
        Assert.Equal($"{repository}:v1", last.Data.GetProperty("image").GetString());
        Assert.StartsWith("sha256:", last.Data.GetProperty("digest").GetString(), StringComparison.Ordinal);
        Assert.Equal(id, (await fixture.Docker.Images.InspectImageAsync($"{repository}:v1", Cancel)).ID);
    }

    [Fact]
    public async Task A_pull_streams_ndjson_when_the_client_asks_for_it()
    {
        await using var leftovers = new EngineLeftovers(fixture.Docker);
        var (repository, id) = await PushUniqueImageAsync(leftovers, "v2");
        using var client = await fixture.ClientAsync("operator");

        using var response = await PullAsync(client, new { image = $"{repository}:v2" }, "application/x-ndjson");
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync(Cancel)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var events = lines.Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToArray();

        Assert.True(events.Length >= 4, string.Join('\n', lines));
        Assert.Equal("complete", events[^1].GetProperty("type").GetString());
        Assert.Equal(id, events[^1].GetProperty("id").GetString());
    }

    [Fact]
    public async Task Pulling_an_unknown_repository_or_from_an_unreachable_registry_is_a_clear_problem()
    {
        using var client = await fixture.ClientAsync("operator");

        using var unknown = await PullAsync(client, new { image = $"{registry.Host}/wakedock-test/missing-{Guid.NewGuid():N}", tag = "v1" }, "text/event-stream");
        var problem = await NetworksApiTests.AssertProblemAsync(unknown, HttpStatusCode.NotFound);
        Assert.Contains("not found", problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);

        var closedPort = DockerTestContainers.GetFreeLoopbackPort();
        using var unreachable = await PullAsync(client, new { image = $"127.0.0.1:{closedPort}/wakedock-test/busybox:v1" }, "text/event-stream");
        problem = await NetworksApiTests.AssertProblemAsync(unreachable, HttpStatusCode.BadGateway);
        Assert.Contains("connection refused", problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("", "image")]
    [InlineData("Upper/Case", "image")]
    [InlineData("bad image!", "image")]
    [InlineData("busybox:tag:again", "image")]
    [InlineData("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "image")]
    public async Task An_invalid_reference_is_refused_before_the_engine_sees_it(string image, string field)
    {
        using var client = await fixture.ClientAsync("operator");

        using var response = await PullAsync(client, new { image }, "text/event-stream");

        var problem = await NetworksApiTests.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task A_tag_given_twice_or_invalid_is_refused()
    {
        using var client = await fixture.ClientAsync("operator");

        using var twice = await PullAsync(client, new { image = "wakedock-test/busybox:latest", tag = "v2" }, "text/event-stream");
        await NetworksApiTests.AssertProblemAsync(twice, HttpStatusCode.BadRequest);
        using var invalid = await PullAsync(client, new { image = "wakedock-test/busybox", tag = ".hidden" }, "text/event-stream");
        await NetworksApiTests.AssertProblemAsync(invalid, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Images_are_listed_filtered_inspected_by_id_or_reference_and_tagged()
    {
        await using var leftovers = new EngineLeftovers(fixture.Docker);
        using var client = await fixture.ClientAsync("operator");
        var repository = $"wakedock-test/tagged-{Guid.NewGuid():N}"[..34];
        leftovers.Image($"{repository}:v1");
        leftovers.Image($"{repository}:v2");

        // By id, then by a reference with '/' and ':' in the path.
        using var byId = await client.PostAsJsonAsync($"/api/v1/images/{fixture.TestImage}/tag", new { repository, tag = "v1" }, Cancel);
        var tagged = await byId.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.True(byId.StatusCode == HttpStatusCode.Created, tagged.ToString());
        Assert.Equal($"{repository}:v1", tagged.GetProperty("image").GetString());
        Assert.Equal(fixture.TestImage, tagged.GetProperty("id").GetString());
        using var byReference = await client.PostAsJsonAsync($"/api/v1/images/{repository}:v1/tag", new { repository, tag = "v2" }, Cancel);
        Assert.Equal(HttpStatusCode.Created, byReference.StatusCode);
        Assert.Contains($"{repository}:v2", (await fixture.Docker.Images.InspectImageAsync(fixture.TestImage, Cancel)).RepoTags);

        var listed = await client.GetFromJsonAsync<JsonElement[]>($"/api/v1/images?reference={repository}", Cancel);
        var image = Assert.Single(listed!);
        Assert.Equal(fixture.TestImage, image.GetProperty("id").GetString());
        Assert.False(image.GetProperty("dangling").GetBoolean());
        var byLabel = await client.GetFromJsonAsync<JsonElement[]>($"/api/v1/images?label={DockerTestImage.TestLabel}=true&dangling=false", Cancel);
        Assert.Contains(byLabel!, i => i.GetProperty("id").GetString() == fixture.TestImage);

        var inspected = await client.GetFromJsonAsync<JsonElement>($"/api/v1/images/{repository}:v2", Cancel);
        Assert.Equal(fixture.TestImage, inspected.GetProperty("id").GetString());
        Assert.Contains($"{repository}:v1", inspected.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("true", inspected.GetProperty("config").GetProperty("labels").GetProperty(DockerTestImage.TestLabel).GetString());
        var viaId = await client.GetFromJsonAsync<JsonElement>($"/api/v1/images/{fixture.TestImage}", Cancel);
        Assert.NotEmpty(viaId.GetProperty("layers").EnumerateArray());

        using var missing = await client.GetAsync($"/api/v1/images/wakedock-test/missing-{Guid.NewGuid():N}:v1", Cancel);
        await NetworksApiTests.AssertProblemAsync(missing, HttpStatusCode.NotFound);
        using var tagMissing = await client.PostAsJsonAsync($"/api/v1/images/wakedock-test/missing-{Guid.NewGuid():N}/tag", new { repository, tag = "v3" }, Cancel);
        await NetworksApiTests.AssertProblemAsync(tagMissing, HttpStatusCode.NotFound);
        using var badTag = await client.PostAsJsonAsync($"/api/v1/images/{fixture.TestImage}/tag", new { repository = "Bad/Name" }, Cancel);
        await NetworksApiTests.AssertProblemAsync(badTag, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Removing_an_image_a_container_uses_is_a_conflict_unless_forced()
    {
        await using var leftovers = new EngineLeftovers(fixture.Docker);
        using var client = await fixture.ClientAsync("operator");
        var reference = $"wakedock-test/remove-{Guid.NewGuid():N}"[..34] + ":v1";
        var id = await BuildUniqueImageAsync(leftovers, reference, 64 * 1024);
        await leftovers.CreateContainerAsync(reference, new HostConfig { NetworkMode = "none" }, ["/blob"]);

        using var refused = await client.DeleteAsync($"/api/v1/images/{reference}", Cancel);
        var problem = await NetworksApiTests.AssertProblemAsync(refused, HttpStatusCode.Conflict);
        Assert.Contains("container", problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);

        using var forced = await client.DeleteAsync($"/api/v1/images/{reference}?force=true", Cancel);
        var removal = await forced.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.True(forced.StatusCode == HttpStatusCode.OK, removal.ToString());
        Assert.Contains(reference, removal.GetProperty("untagged").EnumerateArray().Select(t => t.GetString()));
        using var gone = await client.GetAsync($"/api/v1/images/{reference}", Cancel);
        await NetworksApiTests.AssertProblemAsync(gone, HttpStatusCode.NotFound);
        Assert.StartsWith("sha256:", id, StringComparison.Ordinal);

        using var unknown = await client.DeleteAsync($"/api/v1/images/wakedock-test/missing-{Guid.NewGuid():N}", Cancel);
        await NetworksApiTests.AssertProblemAsync(unknown, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Prune_removes_dangling_images_with_the_given_label_and_says_what_it_reclaimed()
    {
        await using var leftovers = new EngineLeftovers(fixture.Docker);
        using var client = await fixture.ClientAsync("operator");
        var run = Guid.NewGuid().ToString("N")[..12];
        // Built without a tag: dangling from the start.
        var id = await BuildUniqueImageAsync(leftovers, null, 256 * 1024, ("wakedock.test.prune", run));

        var dangling = await client.GetFromJsonAsync<JsonElement[]>($"/api/v1/images?dangling=true&label=wakedock.test.prune={run}", Cancel);
        Assert.True(Assert.Single(dangling!).GetProperty("dangling").GetBoolean());

        using var response = await client.PostAsJsonAsync("/api/v1/images/prune", new { dangling = true, labels = new[] { $"wakedock.test.prune={run}" } }, Cancel);
        var result = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);

        Assert.True(response.StatusCode == HttpStatusCode.OK, result.ToString());
        Assert.Contains(id, result.GetProperty("deleted").EnumerateArray().Select(d => d.GetString()));
        Assert.True(result.GetProperty("spaceReclaimed").GetInt64() >= 256 * 1024, result.ToString());
        using var gone = await client.GetAsync($"/api/v1/images/{id}", Cancel);
        await NetworksApiTests.AssertProblemAsync(gone, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Reading_needs_a_sign_in_and_changing_needs_an_operator()
    {
        using var anonymous = await fixture.ClientAsync(null);
        using var viewer = await fixture.ClientAsync("viewer");

        using var list = await anonymous.GetAsync("/api/v1/images", Cancel);
        Assert.Equal(HttpStatusCode.Unauthorized, list.StatusCode);
        using var read = await viewer.GetAsync($"/api/v1/images/{fixture.TestImage}", Cancel);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        using var pull = await viewer.PostAsJsonAsync("/api/v1/images/pull", new { image = "wakedock-test/busybox" }, Cancel);
        await NetworksApiTests.AssertProblemAsync(pull, HttpStatusCode.Forbidden);
        using var tag = await viewer.PostAsJsonAsync($"/api/v1/images/{fixture.TestImage}/tag", new { repository = "wakedock-test/viewer" }, Cancel);
        await NetworksApiTests.AssertProblemAsync(tag, HttpStatusCode.Forbidden);
        using var remove = await viewer.DeleteAsync($"/api/v1/images/{fixture.TestImage}", Cancel);
        await NetworksApiTests.AssertProblemAsync(remove, HttpStatusCode.Forbidden);
        using var prune = await viewer.PostAsJsonAsync("/api/v1/images/prune", new { }, Cancel);
        await NetworksApiTests.AssertProblemAsync(prune, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task An_unreachable_engine_is_a_503_problem_for_images_networks_and_volumes()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"wakedock-no-docker-{Guid.NewGuid():N}.sock");
        // Its own service name: its bus queues are its own, so it never takes commands meant for a working replica.
        await using var host = fixture.StartContainers(new Dictionary<string, string?> { ["Docker:Host"] = $"unix://{missing}", ["OTEL_SERVICE_NAME"] = "containers-without-engine" });
        using var client = await fixture.ClientAsync("operator", host.BaseAddress);

        foreach (var path in new[] { "/api/v1/images", "/api/v1/networks", "/api/v1/volumes" })
        {
            using var list = await client.GetAsync(path, Cancel);
            await NetworksApiTests.AssertProblemAsync(list, HttpStatusCode.ServiceUnavailable);
        }

        using var pull = await PullAsync(client, new { image = "wakedock-test/busybox" }, "text/event-stream");
        var problem = await NetworksApiTests.AssertProblemAsync(pull, HttpStatusCode.ServiceUnavailable);
        Assert.Contains(missing, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.NotNull(pull.Headers.RetryAfter);
    }

    private static async Task<HttpResponseMessage> PullAsync(HttpClient client, object body, string accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/images/pull") { Content = JsonContent.Create(body) };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Cancel);
    }

    private static async Task<List<(string Type, JsonElement Data)>> ReadServerSentEventsAsync(HttpResponseMessage response)
    {
        var events = new List<(string, JsonElement)>();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(Cancel));
        var type = "message";
        while (await reader.ReadLineAsync(Cancel) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                type = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                events.Add((type, JsonDocument.Parse(line["data: ".Length..]).RootElement.Clone()));
                type = "message";
            }
        }

        return events;
    }

    /// <summary>
    /// Builds an image of random bytes, pushes it to the local registry and removes the local copy,
    /// so the pull really downloads. Returns the repository (no tag) and the image id.
    /// </summary>
    private async Task<(string Repository, string Id)> PushUniqueImageAsync(EngineLeftovers leftovers, string tag)
    {
        var repository = $"{registry.Host}/wakedock-test/pull-{Guid.NewGuid():N}"[..(registry.Host.Length + 32)];
        var id = await BuildUniqueImageAsync(leftovers, $"{repository}:{tag}", 3 * 1024 * 1024);

        var messages = new List<JSONMessage>();
        await fixture.Docker.Images.PushImageAsync(repository, new ImagePushParameters { Tag = tag }, new AuthConfig(), new SyncProgress(messages), Cancel);
        var errors = messages.Where(m => m.Error is not null || !string.IsNullOrEmpty(m.ErrorMessage)).Select(m => m.Error?.Message ?? m.ErrorMessage).ToArray();
        Assert.True(errors.Length == 0, $"Push to {registry.Host} failed: {string.Join("; ", errors)} {registry.RecentOutput}");

        await fixture.Docker.Images.DeleteImageAsync($"{repository}:{tag}", new ImageDeleteParameters { Force = true }, Cancel);
        return (repository, id);
    }

    /// <summary>A <c>FROM scratch</c> image holding <paramref name="size"/> random bytes (so no layer is shared), labelled as a test image.</summary>
    private async Task<string> BuildUniqueImageAsync(EngineLeftovers leftovers, string? reference, int size, params (string Key, string Value)[] labels)
    {
        var build = Guid.NewGuid().ToString("N");
        using var context = new MemoryStream();
        using (var tar = new TarWriter(context, TarEntryFormat.Pax, leaveOpen: true))
        {
            await tar.WriteEntryAsync(File("Dockerfile", Encoding.UTF8.GetBytes("FROM scratch\nCOPY blob /blob\n")), Cancel);
            await tar.WriteEntryAsync(File("blob", RandomNumberGenerator.GetBytes(size)), Cancel);
        }

        context.Position = 0;
        var messages = new List<JSONMessage>();
        var allLabels = EngineLeftovers.Labels([.. labels, ("wakedock.test.build", build)]);
        await fixture.Docker.Images.BuildImageFromDockerfileAsync(
            new ImageBuildParameters { Tags = reference is null ? null : [reference], Labels = allLabels, NetworkMode = "none", Remove = true, ForceRemove = true },
            context, [], new Dictionary<string, string>(), new SyncProgress(messages), Cancel);
        var errors = messages.Where(m => m.Error is not null || !string.IsNullOrEmpty(m.ErrorMessage)).Select(m => m.Error?.Message ?? m.ErrorMessage).ToArray();
        Assert.True(errors.Length == 0, $"Building a test image failed: {string.Join("; ", errors)}");

        var built = await fixture.Docker.Images.ListImagesAsync(new ImagesListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"wakedock.test.build={build}"] = true } },
        }, Cancel);
        var id = Assert.Single(built).ID;
        leftovers.Image(id);
        return id;
    }

    private static PaxTarEntry File(string name, byte[] content) => new(TarEntryType.RegularFile, name)
    {
        Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
        DataStream = new MemoryStream(content, writable: false),
    };

    /// <summary>Records engine messages in order, as they are read (Progress&lt;T&gt; would post them later).</summary>
    private sealed class SyncProgress(List<JSONMessage> messages) : IProgress<JSONMessage>
    {
        public void Report(JSONMessage value)
        {
            lock (messages)
            {
                messages.Add(value);
            }
        }
    }
}
