using System.Diagnostics;
using System.Globalization;
using Docker.DotNet;
using Docker.DotNet.Models;
using WakeDock.Testing;

namespace WakeDock.Containers.Tests;

/// <summary>
/// <c>/api/v1/containers</c> through the Gateway against the real engine: list and filters,
/// inspect, logs, processes, authorization. Lifecycle actions are in the other part of this class.
/// </summary>
public sealed partial class ContainersApiTests(ContainersFixture fixture)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task List_answers_compact_containers_and_applies_every_filter()
    {
        await using var containers = fixture.CreateTestContainers();
        var testCase = Guid.NewGuid().ToString("N");
        var running = await containers.StartSleeperAsync(labels: new Dictionary<string, string>
        {
            ["wakedock.test.case"] = testCase, ["wakedock.managed"] = "true", ["tier"] = "web",
        }, cancellationToken: Cancel);
        var exited = await containers.StartSleeperAsync(labels: new Dictionary<string, string> { ["wakedock.test.case"] = testCase }, cancellationToken: Cancel);
        await StopNowAsync(exited);
        var runningName = (await fixture.Docker.Containers.InspectContainerAsync(running, Cancel)).Name.TrimStart('/');
        using var client = await fixture.ClientAsync("viewer");
        var byCase = $"/api/v1/containers?label=wakedock.test.case={testCase}";

        var all = await client.GetFromJsonAsync<JsonElement[]>(byCase, Cancel);
        Assert.Equal(new[] { exited, running }.Order(), Ids(all!).Order());
        var row = all!.Single(container => container.GetProperty("id").GetString() == running);
        Assert.Equal(runningName, row.GetProperty("names")[0].GetString());
        Assert.Equal(DockerTestImage.Name, row.GetProperty("image").GetString());
        Assert.Equal("running", row.GetProperty("state").GetString());
        Assert.StartsWith("Up", row.GetProperty("status").GetString(), StringComparison.Ordinal);
        Assert.True(row.GetProperty("managed").GetBoolean());
        Assert.Equal("web", row.GetProperty("labels").GetProperty("tier").GetString());
        Assert.InRange(row.GetProperty("created").GetDateTimeOffset(), DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(5));
        Assert.Equal(JsonValueKind.Array, row.GetProperty("ports").ValueKind);

        Assert.Equal([running], Ids(await client.GetFromJsonAsync<JsonElement[]>(byCase + "&state=running", Cancel)));
        Assert.Equal([exited], Ids(await client.GetFromJsonAsync<JsonElement[]>(byCase + "&state=exited", Cancel)));
        Assert.Equal(new[] { exited, running }.Order(), Ids(await client.GetFromJsonAsync<JsonElement[]>(byCase + "&state=exited&state=running", Cancel)).Order());
        Assert.Equal([running], Ids(await client.GetFromJsonAsync<JsonElement[]>(byCase + "&managed=true", Cancel)));
        Assert.Equal([exited], Ids(await client.GetFromJsonAsync<JsonElement[]>(byCase + "&managed=false", Cancel)));
        Assert.Equal([running], Ids(await client.GetFromJsonAsync<JsonElement[]>(byCase + "&all=false", Cancel)));
        Assert.Equal([running], Ids(await client.GetFromJsonAsync<JsonElement[]>(byCase + "&label=tier", Cancel)));
        Assert.Equal([running], Ids(await client.GetFromJsonAsync<JsonElement[]>(byCase + "&label=tier=web", Cancel)));
        Assert.Empty(Ids(await client.GetFromJsonAsync<JsonElement[]>(byCase + "&label=tier=db", Cancel)));
        // Name is a case-insensitive substring, not the engine's regular expression.
        var part = runningName[^8..].ToUpperInvariant();
        Assert.Equal([running], Ids(await client.GetFromJsonAsync<JsonElement[]>($"{byCase}&name={part}", Cancel)));
        Assert.Empty(Ids(await client.GetFromJsonAsync<JsonElement[]>($"{byCase}&name=.*", Cancel)));

        foreach (var bad in new[] { "state=sleepy", "managed=maybe", "all=2", "label==x" })
        {
            using var response = await client.GetAsync($"{byCase}&{bad}", Cancel);
            await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        }
    }

    [Fact]
    public async Task A_container_created_with_the_docker_CLI_shows_up()
    {
        var testCase = Guid.NewGuid().ToString("N");
        var name = "wakedock-test-cli-" + testCase[..12];
        try
        {
            var (exit, output) = await DockerCliAsync(
                "create", "--network", "none", "--name", name, "--label", $"{DockerTestImage.TestLabel}=true",
                "--label", $"{DockerTestContainers.OwnerPidLabel}={Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}",
                "--label", $"wakedock.test.case={testCase}", DockerTestImage.Name, "sleep", "60");
            Assert.True(exit == 0, output);

            using var client = await fixture.ClientAsync("viewer");
            var listed = await client.GetFromJsonAsync<JsonElement[]>($"/api/v1/containers?name={name}", Cancel);

            var row = Assert.Single(listed!);
            Assert.Equal(name, row.GetProperty("names")[0].GetString());
            Assert.Equal("created", row.GetProperty("state").GetString());
            Assert.False(row.GetProperty("managed").GetBoolean());
            Assert.StartsWith(output.Trim(), row.GetProperty("id").GetString(), StringComparison.Ordinal);
        }
        finally
        {
            await DockerCliAsync("rm", "-f", name);
        }
    }

    [Fact]
    public async Task Inspect_by_id_or_name_answers_config_state_health_mounts_and_networks()
    {
        await using var containers = fixture.CreateTestContainers();
        var id = await containers.StartAsync(new CreateContainerParameters
        {
            Cmd = ["sh", "-c", "exec sleep 3600"],
            Env = ["PLAIN=visible", "DB_PASSWORD=hunter2", "API_TOKEN=abc"],
            Volumes = new Dictionary<string, EmptyStruct> { ["/data"] = default },
            Healthcheck = new HealthConfig { Test = ["CMD", "true"], Interval = TimeSpan.FromSeconds(30), Retries = 3 },
            HostConfig = new HostConfig { NetworkMode = "none", RestartPolicy = new RestartPolicy { Name = RestartPolicyKind.UnlessStopped } },
        }, Cancel);
        var name = (await fixture.Docker.Containers.InspectContainerAsync(id, Cancel)).Name.TrimStart('/');
        using var client = await fixture.ClientAsync("viewer");

        var byId = await client.GetFromJsonAsync<JsonElement>($"/api/v1/containers/{id[..12]}", Cancel);
        var byName = await client.GetFromJsonAsync<JsonElement>($"/api/v1/containers/{name}", Cancel);

        Assert.Equal(id, byId.GetProperty("id").GetString());
        Assert.Equal(id, byName.GetProperty("id").GetString());
        Assert.Equal(name, byId.GetProperty("name").GetString());
        Assert.Equal(DockerTestImage.Name, byId.GetProperty("image").GetString());
        Assert.StartsWith("sha256:", byId.GetProperty("imageId").GetString(), StringComparison.Ordinal);
        var state = byId.GetProperty("state");
        Assert.Equal("running", state.GetProperty("status").GetString());
        Assert.True(state.GetProperty("running").GetBoolean());
        Assert.True(state.GetProperty("pid").GetInt64() > 0);
        var health = state.GetProperty("health").GetProperty("status").GetString();
        Assert.True(health is "starting" or "healthy", health);
        var config = byId.GetProperty("config");
        var env = config.GetProperty("env").EnumerateArray().Select(value => value.GetString()).ToArray();
        Assert.Contains("PLAIN=visible", env);
        Assert.Contains("DB_PASSWORD=********", env);
        Assert.Contains("API_TOKEN=********", env);
        Assert.DoesNotContain("hunter2", byId.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(["sh", "-c", "exec sleep 3600"], config.GetProperty("cmd").EnumerateArray().Select(value => value.GetString()));
        Assert.Equal(30, config.GetProperty("healthcheck").GetProperty("intervalSeconds").GetDouble());
        var host = byId.GetProperty("hostConfig");
        Assert.Equal("none", host.GetProperty("networkMode").GetString());
        Assert.Equal("unless-stopped", host.GetProperty("restartPolicy").GetString());
        Assert.False(host.GetProperty("privileged").GetBoolean());
        var mount = Assert.Single(byId.GetProperty("mounts").EnumerateArray());
        Assert.Equal("volume", mount.GetProperty("type").GetString());
        Assert.Equal("/data", mount.GetProperty("destination").GetString());
        Assert.True(mount.GetProperty("readWrite").GetBoolean());
        Assert.True(byId.GetProperty("networks").TryGetProperty("none", out _));
        Assert.Equal("true", byId.GetProperty("labels").GetProperty(DockerTestImage.TestLabel).GetString());
    }

    [Fact]
    public async Task Unknown_containers_are_404_and_malformed_ids_are_400_problems()
    {
        using var client = await fixture.ClientAsync("operator");
        var unknown = "wakedock-missing-" + Guid.NewGuid().ToString("N")[..12];

        var requests = new (HttpMethod Method, string Path)[]
        {
            (HttpMethod.Get, ""), (HttpMethod.Get, "/logs"), (HttpMethod.Get, "/top"), (HttpMethod.Post, "/start"),
            (HttpMethod.Post, "/stop"), (HttpMethod.Post, "/kill"), (HttpMethod.Post, "/rename"), (HttpMethod.Delete, "?force=true"),
        };
        foreach (var (method, path) in requests)
        {
            using var request = new HttpRequestMessage(method, $"/api/v1/containers/{unknown}{path}")
            {
                Content = path == "/rename" ? JsonContent.Create(new { name = unknown + "-x" }) : null,
            };
            using var response = await client.SendAsync(request, Cancel);
            var problem = await AssertProblemAsync(response, HttpStatusCode.NotFound);
            Assert.Contains(unknown, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        using var malformed = await client.GetAsync("/api/v1/containers/bad%24id", Cancel);
        var invalid = await AssertProblemAsync(malformed, HttpStatusCode.BadRequest);
        Assert.True(invalid.GetProperty("errors").TryGetProperty("id", out _));
    }

    [Fact]
    public async Task Logs_answer_stdout_and_stderr_lines_with_tail_since_and_timestamps()
    {
        await using var containers = fixture.CreateTestContainers();
        // The container exits: the engine keeps a last line without newline until its stream closes.
        var id = await containers.StartAsync(new CreateContainerParameters
        {
            Cmd = ["sh", "-c", "echo out-1; echo err-1 >&2; echo 'out-2 ünïcode'; echo err-2 >&2; printf 'no-newline'"],
        }, Cancel);
        using (var exited = CancellationTokenSource.CreateLinkedTokenSource(Cancel))
        {
            exited.CancelAfter(TimeSpan.FromSeconds(20));
            await fixture.Docker.Containers.WaitContainerAsync(id, exited.Token);
        }

        using var client = await fixture.ClientAsync("viewer");

        var logs = await client.GetFromJsonAsync<JsonElement>($"/api/v1/containers/{id}/logs", Cancel);
        Assert.Equal(id, logs.GetProperty("id").GetString());
        Assert.False(logs.GetProperty("truncated").GetBoolean());
        var lines = Lines(logs);
        Assert.Equal(["out-1", "out-2 ünïcode", "no-newline"], lines.Where(line => line.Stream == "stdout").Select(line => line.Text));
        Assert.Equal(["err-1", "err-2"], lines.Where(line => line.Stream == "stderr").Select(line => line.Text));

        var onlyStdout = Lines(await client.GetFromJsonAsync<JsonElement>($"/api/v1/containers/{id}/logs?stderr=false", Cancel));
        Assert.All(onlyStdout, line => Assert.Equal("stdout", line.Stream));
        Assert.Equal(3, onlyStdout.Length);
        Assert.Single(Lines(await client.GetFromJsonAsync<JsonElement>($"/api/v1/containers/{id}/logs?tail=1", Cancel)));
        var future = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
        Assert.Empty(Lines(await client.GetFromJsonAsync<JsonElement>($"/api/v1/containers/{id}/logs?since={future}", Cancel)));
        Assert.Equal(5, Lines(await client.GetFromJsonAsync<JsonElement>($"/api/v1/containers/{id}/logs?since=1h", Cancel)).Length);

        var stamped = await client.GetFromJsonAsync<JsonElement>($"/api/v1/containers/{id}/logs?timestamps=true&tail=all", Cancel);
        var first = stamped.GetProperty("lines")[0];
        Assert.InRange(first.GetProperty("time").GetDateTimeOffset(), DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.DoesNotContain("Z ", first.GetProperty("text").GetString(), StringComparison.Ordinal);

        foreach (var bad in new[] { "tail=some", "since=yesterday", "timestamps=yes", "stdout=false&stderr=false" })
        {
            using var response = await client.GetAsync($"/api/v1/containers/{id}/logs?{bad}", Cancel);
            await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        }
    }

    [Fact]
    public async Task Logs_of_a_TTY_container_are_one_stdout_stream()
    {
        await using var containers = fixture.CreateTestContainers();
        var id = await containers.StartAsync(new CreateContainerParameters
        {
            Tty = true,
            Cmd = ["sh", "-c", "echo tty-out; echo tty-err >&2; exec sleep 3600"],
        }, Cancel);
        using var client = await fixture.ClientAsync("viewer");

        var deadline = DateTime.UtcNow.AddSeconds(10);
        JsonElement logs;
        do
        {
            logs = await client.GetFromJsonAsync<JsonElement>($"/api/v1/containers/{id}/logs", Cancel);
        }
        while (Lines(logs).Length < 2 && DateTime.UtcNow < deadline && await Pause());

        Assert.True(logs.GetProperty("tty").GetBoolean());
        Assert.Equal([("stdout", "tty-out"), ("stdout", "tty-err")], Lines(logs).Select(line => (line.Stream, line.Text)));
    }

    [Fact]
    public async Task Top_lists_the_processes_of_a_running_container()
    {
        await using var containers = fixture.CreateTestContainers();
        var id = await containers.StartSleeperAsync(cancellationToken: Cancel);
        using var client = await fixture.ClientAsync("viewer");

        var top = await client.GetFromJsonAsync<JsonElement>($"/api/v1/containers/{id}/top", Cancel);
        Assert.Contains("PID", top.GetProperty("titles").EnumerateArray().Select(title => title.GetString()));
        Assert.Contains(top.GetProperty("processes").EnumerateArray(), row => row.EnumerateArray().Any(cell => cell.GetString()!.Contains("sleep 3600", StringComparison.Ordinal)));

        var custom = await client.GetFromJsonAsync<JsonElement>($"/api/v1/containers/{id}/top?ps_args=-o%20pid,comm", Cancel);
        Assert.Equal(["PID", "COMMAND"], custom.GetProperty("titles").EnumerateArray().Select(title => title.GetString()));
        Assert.Contains(custom.GetProperty("processes").EnumerateArray(), row => row[1].GetString() == "sleep");

        using var bad = await client.GetAsync($"/api/v1/containers/{id}/top?ps_args=aux;reboot", Cancel);
        await AssertProblemAsync(bad, HttpStatusCode.BadRequest);

        await StopNowAsync(id);
        using var stopped = await client.GetAsync($"/api/v1/containers/{id}/top", Cancel);
        await AssertProblemAsync(stopped, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Anonymous_callers_get_401_and_viewers_cannot_change_containers()
    {
        await using var containers = fixture.CreateTestContainers();
        var id = await containers.StartSleeperAsync(cancellationToken: Cancel);
        using var anonymous = await fixture.ClientAsync(null);
        using var viewer = await fixture.ClientAsync("viewer");

        using (var response = await anonymous.GetAsync("/api/v1/containers", Cancel))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        using (var response = await anonymous.GetAsync($"/api/v1/containers/{id}", Cancel))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        foreach (var action in new[] { "stop", "restart", "pause", "kill", "rename" })
        {
            using var response = await viewer.PostAsJsonAsync($"/api/v1/containers/{id}/{action}", new { name = "x-" + action }, Cancel);
            await AssertProblemAsync(response, HttpStatusCode.Forbidden);
        }

        using (var response = await viewer.DeleteAsync($"/api/v1/containers/{id}?force=true", Cancel))
        {
            await AssertProblemAsync(response, HttpStatusCode.Forbidden);
        }

        var after = await fixture.Docker.Containers.InspectContainerAsync(id, Cancel);
        Assert.True(after.State.Running);
        Assert.False(after.State.Paused);
    }

    [Fact]
    public async Task An_unreachable_engine_is_a_503_problem()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"wakedock-no-docker-{Guid.NewGuid():N}.sock");
        // Its own service name: its bus queues are its own, so it never takes commands meant for a working replica.
        await using var host = fixture.StartContainers(new Dictionary<string, string?> { ["Docker:Host"] = $"unix://{missing}", ["OTEL_SERVICE_NAME"] = "containers-without-engine" });
        using var client = await fixture.ClientAsync("operator", host.BaseAddress);

        foreach (var (method, path) in new[] { (HttpMethod.Get, "/api/v1/containers"), (HttpMethod.Post, "/api/v1/containers/abc/start") })
        {
            using var response = await client.SendAsync(new HttpRequestMessage(method, path), Cancel);
            var problem = await AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable);
            Assert.Contains(missing, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
    }

    /// <summary>SIGKILL and wait for the exit: Docker.DotNet drops a zero stop timeout, so its stop takes 10 s.</summary>
    private async Task StopNowAsync(string id)
    {
        await fixture.Docker.Containers.KillContainerAsync(id, new ContainerKillParameters { Signal = "SIGKILL" }, Cancel);
        using var exited = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        exited.CancelAfter(TimeSpan.FromSeconds(20));
        await fixture.Docker.Containers.WaitContainerAsync(id, exited.Token);
    }

    private static string[] Ids(JsonElement[]? containers) =>
        (containers ?? []).Select(container => container.GetProperty("id").GetString()!).ToArray();

    private static (string Stream, string Text)[] Lines(JsonElement logs) =>
        logs.GetProperty("lines").EnumerateArray()
            .Select(line => (line.GetProperty("stream").GetString()!, line.GetProperty("text").GetString()!)).ToArray();

    internal static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync(Cancel);
        Assert.True(status == response.StatusCode, $"Expected {status}, got {response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        return problem;
    }

    internal static async Task<(int ExitCode, string Output)> DockerCliAsync(params string[] arguments)
    {
        // The newer client in /usr/local/bin speaks to Engine 20.10; fall back to whatever is on PATH.
        var cli = File.Exists("/usr/local/bin/docker") ? "/usr/local/bin/docker" : "docker";
        var start = new ProcessStartInfo(cli) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    private static async Task<bool> Pause()
    {
        await Task.Delay(100, Cancel);
        return true;
    }
}
