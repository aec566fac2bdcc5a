using System.Net.Http.Headers;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WakeDock.Containers.Infrastructure;

namespace WakeDock.Containers.Tests;

/// <summary>/api/v1/services through the Gateway against real PostgreSQL: CRUD, validation, conflicts, safety rules, audit.</summary>
public sealed class ManagedServicesApiTests(ContainersFixture fixture)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_service_is_created_read_replaced_patched_and_deleted_with_secrets_masked()
    {
        using var client = await fixture.ClientAsync("operator");
        var name = Unique("crud");
        using var created = await client.PostAsJsonAsync("/api/v1/services", new
        {
            name,
            image = "ghost:5",
            environment = new Dictionary<string, object> { ["TOKEN"] = new { value = "s3cret", secret = true }, ["MODE"] = new { value = "prod" } },
            domains = new[] { $"{name}.Example.test" },
            ports = new[] { new { hostPort = Port(), containerPort = 2368 } },
            memory = "256m",
            cpus = 0.5,
            idleTimeout = "15m",
            healthCheck = new { type = "http", path = "/health" },
        }, Cancel);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var service = await created.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        var id = service.GetProperty("id").GetString()!;
        Assert.Equal($"/api/v1/services/{id}", created.Headers.Location!.OriginalString);
        Assert.Equal("********", service.GetProperty("environment").GetProperty("TOKEN").GetProperty("value").GetString());
        Assert.Equal("prod", service.GetProperty("environment").GetProperty("MODE").GetProperty("value").GetString());
        Assert.Equal($"{name}.example.test", service.GetProperty("domains")[0].GetString());
        Assert.Equal(268435456, service.GetProperty("memoryBytes").GetInt64());
        Assert.Equal(500_000_000, service.GetProperty("nanoCpus").GetInt64());
        Assert.Equal("127.0.0.1", service.GetProperty("ports")[0].GetProperty("hostIp").GetString());
        Assert.Equal("Sleeping", service.GetProperty("state").GetString());
        Assert.Equal(900, service.GetProperty("idleTimeoutSeconds").GetInt32());

        var byName = await client.GetFromJsonAsync<JsonElement>($"/api/v1/services/{name}", Cancel);
        Assert.Equal(id, byName.GetProperty("id").GetString());
        Assert.Equal("********", byName.GetProperty("environment").GetProperty("TOKEN").GetProperty("value").GetString());
        Assert.Equal("s3cret", await StoredSecretAsync(id, "TOKEN"));

        // PUT back what GET returned, with a new image: the masked secret keeps its value.
        var replacement = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(byName.GetRawText())!;
        replacement["image"] = JsonSerializer.SerializeToElement("ghost:5.1");
        using var replaced = await client.PutAsJsonAsync($"/api/v1/services/{id}", replacement, Cancel);
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        Assert.Equal("ghost:5.1", (await replaced.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("image").GetString());
        Assert.Equal("s3cret", await StoredSecretAsync(id, "TOKEN"));

        using var patched = await PatchAsync(client, id, """{"idleTimeout":"30m","environment":{"MODE":null,"NEW":{"value":"1"}}}""");
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var afterPatch = await patched.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Equal("30m", afterPatch.GetProperty("idleTimeout").GetString());
        Assert.Equal("ghost:5.1", afterPatch.GetProperty("image").GetString());
        Assert.False(afterPatch.GetProperty("environment").TryGetProperty("MODE", out _));
        Assert.Equal("1", afterPatch.GetProperty("environment").GetProperty("NEW").GetProperty("value").GetString());
        Assert.Equal("s3cret", await StoredSecretAsync(id, "TOKEN"));

        using var deleted = await client.DeleteAsync($"/api/v1/services/{id}", Cancel);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using var gone = await client.GetAsync($"/api/v1/services/{id}", Cancel);
        await AssertProblemAsync(gone, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Viewers_read_operators_change_and_anonymous_callers_are_refused()
    {
        using var viewer = await fixture.ClientAsync("viewer");
        using var anonymous = await fixture.ClientAsync(null);
        using var writer = await fixture.ClientAsync("operator");
        var name = Unique("roles");
        await CreateAsync(writer, new { name, image = "nginx" });

        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync($"/api/v1/services/{name}", Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync("/api/v1/services", Cancel)).StatusCode);
        await AssertProblemAsync(await viewer.PostAsJsonAsync("/api/v1/services", new { name = Unique("v"), image = "nginx" }, Cancel), HttpStatusCode.Forbidden);
        await AssertProblemAsync(await viewer.DeleteAsync($"/api/v1/services/{name}", Cancel), HttpStatusCode.Forbidden);
        await AssertProblemAsync(await PatchAsync(viewer, name, """{"image":"nginx:2"}"""), HttpStatusCode.Forbidden);
        await AssertProblemAsync(await viewer.GetAsync("/api/v1/services/audit", Cancel), HttpStatusCode.Forbidden);
        await AssertProblemAsync(await anonymous.GetAsync("/api/v1/services", Cancel), HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("image", """{"name":"#","image":"Not A Reference"}""")]
    [InlineData("domains[0]", """{"name":"#","image":"nginx","domains":["*.wild.test"]}""")]
    [InlineData("dependsOn[0]", """{"name":"#","image":"nginx","dependsOn":["no-such-service-anywhere"]}""")]
    [InlineData("memory", """{"name":"#","image":"nginx","memory":"a lot"}""")]
    [InlineData("idleTimeout", """{"name":"#","image":"nginx","idleTimeout":"5s"}""")]
    [InlineData("healthCheck.command", """{"name":"#","image":"nginx","healthCheck":{"type":"docker"}}""")]
    [InlineData("name", """{"name":"Bad_Name","image":"nginx"}""")]
    public async Task Invalid_definitions_are_validation_problems_naming_the_field(string field, string json)
    {
        using var client = await fixture.ClientAsync("operator");
        using var response = await PostJsonAsync(client, json.Replace("\"#\"", $"\"{Unique("bad")}\"", StringComparison.Ordinal));
        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task Sizes_are_limited()
    {
        using var client = await fixture.ClientAsync("operator");
        var big = new string('x', 32 * 1024 + 1);
        var problem = await AssertProblemAsync(await client.PostAsJsonAsync("/api/v1/services", new
        {
            name = Unique("size"),
            image = "nginx",
            environment = new Dictionary<string, object> { ["BIG"] = new { value = big } },
            labels = Enumerable.Range(0, 20).ToDictionary(i => $"l{i}", _ => new string('v', 4000)),
        }, Cancel), HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("environment.BIG", out _));
        Assert.True(problem.GetProperty("errors").TryGetProperty("labels", out _));
    }

    [Fact]
    public async Task A_domain_or_host_port_of_another_service_or_a_taken_name_is_a_conflict_naming_it()
    {
        using var client = await fixture.ClientAsync("operator");
        var owner = Unique("owner");
        var port = Port();
        await CreateAsync(client, new { name = owner, image = "nginx", domains = new[] { $"{owner}.test" }, ports = new[] { new { hostPort = port, containerPort = 80 } } });

        var domain = await AssertProblemAsync(await client.PostAsJsonAsync("/api/v1/services",
            new { name = Unique("dom"), image = "nginx", domains = new[] { "free.test", $"{owner.ToUpperInvariant()}.test" } }, Cancel), HttpStatusCode.Conflict);
        Assert.Contains(owner, domain.GetProperty("errors").GetProperty("domains[1]")[0].GetString(), StringComparison.Ordinal);

        var ports = await AssertProblemAsync(await client.PostAsJsonAsync("/api/v1/services",
            new { name = Unique("port"), image = "nginx", ports = new[] { new { hostIp = "0.0.0.0", hostPort = port, containerPort = 8080 } } }, Cancel), HttpStatusCode.Conflict);
        Assert.Contains(owner, ports.GetProperty("errors").GetProperty("ports[0].hostPort")[0].GetString(), StringComparison.Ordinal);

        // Another protocol or another address on the same port is fine.
        await CreateAsync(client, new { name = Unique("udp"), image = "nginx", ports = new[] { new { hostPort = port, containerPort = 53, protocol = "udp" } } });
        await CreateAsync(client, new { name = Unique("ip"), image = "nginx", ports = new[] { new { hostIp = "127.0.0.2", hostPort = port, containerPort = 80 } } });

        var name = await AssertProblemAsync(await client.PostAsJsonAsync("/api/v1/services", new { name = owner, image = "nginx" }, Cancel), HttpStatusCode.Conflict);
        Assert.True(name.GetProperty("errors").TryGetProperty("name", out _));

        // A service keeps its own domain and port when it is replaced.
        using var same = await PatchAsync(client, owner, """{"image":"nginx:1.27"}""");
        Assert.Equal(HttpStatusCode.OK, same.StatusCode);
    }

    [Fact]
    public async Task Dependencies_must_exist_without_cycles_and_protect_from_deletion()
    {
        using var client = await fixture.ClientAsync("operator");
        var (a, b, c) = (Unique("dep-a"), Unique("dep-b"), Unique("dep-c"));
        await CreateAsync(client, new { name = a, image = "postgres:15" });
        await CreateAsync(client, new { name = b, image = "app", dependsOn = new[] { a } });
        await CreateAsync(client, new { name = c, image = "app", dependsOn = new[] { b } });

        var cycle = await AssertProblemAsync(await PatchAsync(client, a, $$"""{"dependsOn":["{{c}}"]}"""), HttpStatusCode.BadRequest);
        Assert.Contains($"{a} → {c} → {b} → {a}", cycle.GetProperty("errors").GetProperty("dependsOn")[0].GetString(), StringComparison.Ordinal);

        var refused = await AssertProblemAsync(await client.DeleteAsync($"/api/v1/services/{a}", Cancel), HttpStatusCode.Conflict);
        Assert.Contains(b, refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var rename = await AssertProblemAsync(await PatchAsync(client, a, $$"""{"name":"{{Unique("renamed")}}"}"""), HttpStatusCode.Conflict);
        Assert.Contains(b, rename.GetProperty("errors").GetProperty("name")[0].GetString(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/services/{c}", Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/services/{b}", Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/services/{a}", Cancel)).StatusCode);
    }

    [Theory]
    [InlineData("privileged", """{"privileged":true}""")]
    [InlineData("hostPid", """{"hostPid":true}""")]
    [InlineData("hostNetwork", """{"hostNetwork":true}""")]
    [InlineData("networks[0]", """{"networks":["host"]}""")]
    [InlineData("capAdd", """{"capAdd":["NET_ADMIN"]}""")]
    [InlineData("devices", """{"devices":["/dev/fuse"]}""")]
    [InlineData("volumes[0].source", """{"volumes":[{"source":"/var/run/docker.sock","target":"/var/run/docker.sock"}]}""")]
    [InlineData("volumes[1].source", """{"volumes":[{"source":"data","target":"/data"},{"source":"/","target":"/host","readOnly":true}]}""")]
    [InlineData("volumes[0].source", """{"volumes":[{"source":"/etc","target":"/host-etc"}]}""")]
    [InlineData("volumes[0].source", """{"volumes":[{"source":"/var","target":"/host-var"}]}""")]
    public async Task Host_level_settings_are_refused_to_operators_and_audited_for_admins(string field, string settings)
    {
        var name = Unique("elevated");
        var json = settings.Insert(1, $"\"name\":\"{name}\",\"image\":\"nginx\",");
        using var asOperator = await fixture.ClientAsync("operator");
        var refused = await AssertProblemAsync(await PostJsonAsync(asOperator, json), HttpStatusCode.Forbidden);
        Assert.True(refused.GetProperty("errors").TryGetProperty(field, out _), refused.ToString());
        Assert.Contains(field, refused.GetProperty("detail").GetString(), StringComparison.Ordinal);

        using var admin = await fixture.ClientAsync("admin");
        using var created = await PostJsonAsync(admin, json);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("id").GetString();

        var audit = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/services/audit?action=service.elevated-settings&target={id}", Cancel);
        var entry = Assert.Single(audit.EnumerateArray());
        Assert.Equal("admin", entry.GetProperty("actorName").GetString());
        Assert.Equal("service", entry.GetProperty("targetType").GetString());
        Assert.False(string.IsNullOrEmpty(entry.GetProperty("ipAddress").GetString()));
        Assert.Contains(entry.GetProperty("details").GetProperty("settings").EnumerateArray(), s => s.GetProperty("field").GetString() == field);

        // An operator may not change a service that carries them either, but may remove it.
        await AssertProblemAsync(await PatchAsync(asOperator, id!, """{"image":"nginx:2"}"""), HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.NoContent, (await asOperator.DeleteAsync($"/api/v1/services/{id}", Cancel)).StatusCode);
    }

    [Fact]
    public async Task The_list_filters_by_wake_policy_domain_and_search()
    {
        using var client = await fixture.ClientAsync("viewer");
        using var writer = await fixture.ClientAsync("operator");
        var tag = Unique("list");
        await CreateAsync(writer, new { name = $"{tag}-a", image = "nginx", wakePolicy = "always-on", domains = new[] { $"{tag}-a.test" } });
        await CreateAsync(writer, new { name = $"{tag}-b", image = "nginx", domains = new[] { $"{tag}-b.test" }, environment = new { S = new { value = "hidden", secret = true } } });

        var all = await client.GetFromJsonAsync<JsonElement>($"/api/v1/services?search={tag}", Cancel);
        Assert.Equal(2, all.GetProperty("total").GetInt32());
        Assert.Equal([$"{tag}-a", $"{tag}-b"], all.GetProperty("items").EnumerateArray().Select(s => s.GetProperty("name").GetString()));
        Assert.DoesNotContain("hidden", all.GetRawText(), StringComparison.Ordinal);

        var alwaysOn = await client.GetFromJsonAsync<JsonElement>($"/api/v1/services?search={tag}&wakePolicy=always-on", Cancel);
        Assert.Equal($"{tag}-a", Assert.Single(alwaysOn.GetProperty("items").EnumerateArray()).GetProperty("name").GetString());

        var byDomain = await client.GetFromJsonAsync<JsonElement>($"/api/v1/services?domain={tag.ToUpperInvariant()}-B.test", Cancel);
        Assert.Equal($"{tag}-b", Assert.Single(byDomain.GetProperty("items").EnumerateArray()).GetProperty("name").GetString());

        var paged = await client.GetFromJsonAsync<JsonElement>($"/api/v1/services?search={tag}&limit=1&offset=1", Cancel);
        Assert.Equal($"{tag}-b", Assert.Single(paged.GetProperty("items").EnumerateArray()).GetProperty("name").GetString());

        await AssertProblemAsync(await client.GetAsync("/api/v1/services?wakePolicy=sometimes", Cancel), HttpStatusCode.BadRequest);
    }

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];

    private static int nextPort = Random.Shared.Next(20_000, 50_000);

    /// <summary>Host ports are only stored here, never bound: a counter keeps tests from sharing one.</summary>
    private static int Port() => Interlocked.Increment(ref nextPort);

    private async Task<string?> StoredSecretAsync(string id, string name)
    {
        await using var scope = fixture.ContainersServices.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ContainersDbContext>();
        var service = await db.Services.AsNoTracking().SingleAsync(s => s.Id == Guid.Parse(id), Cancel);
        return service.Environment.Single(v => v.Name == name).Value;
    }

    private static async Task CreateAsync(HttpClient client, object body, HttpStatusCode expected = HttpStatusCode.Created)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/services", body, Cancel);
        Assert.True(expected == response.StatusCode, await response.Content.ReadAsStringAsync(Cancel));
    }

    private static Task<HttpResponseMessage> PostJsonAsync(HttpClient client, string json)
        => client.PostAsync("/api/v1/services", new StringContent(json, Encoding.UTF8, "application/json"), Cancel);

    private static Task<HttpResponseMessage> PatchAsync(HttpClient client, string idOrName, string json)
    {
        var content = new StringContent(json, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/merge-patch+json");
        return client.PatchAsync($"/api/v1/services/{idOrName}", content, Cancel);
    }

    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(Cancel);
            Assert.True(status == response.StatusCode, $"{response.StatusCode}: {body}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            return JsonDocument.Parse(body).RootElement.Clone();
        }
    }
}
