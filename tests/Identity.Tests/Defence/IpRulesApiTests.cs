using WakeDock.Identity.Model;
using static WakeDock.Identity.Tests.Defence.DefenceTestSupport;

namespace WakeDock.Identity.Tests.Defence;

/// <summary>Admin-managed IP rules: CRUD, validation, allow beating block, replicas, who may call.</summary>
public sealed class IpRulesApiTests(IdentityFixture fixture)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private async Task<HttpClient> AdminClientAsync(Uri? address = null)
        => fixture.CreateClient(address ?? fixture.Gateway, await AdminTokenAsync(fixture), NextIp());

    private static Task<HttpResponseMessage> CreateRuleAsync(HttpClient admin, object rule)
        => admin.PostAsJsonAsync("/api/v1/security/ip-rules", rule, Cancellation);

    private async Task<HttpStatusCode> StatusFromAsync(Uri identity, string ip)
    {
        using var client = fixture.CreateClient(identity, clientIp: ip);
        using var response = await client.GetAsync("/api/v1/identity/info", Cancellation);
        return response.StatusCode;
    }

    [Fact]
    public async Task Admin_blocks_a_range_allows_one_address_in_it_and_removes_the_block()
    {
        using var admin = await AdminClientAsync();
        var net = $"198.18.{Random.Shared.Next(0, 256)}";

        using var created = await CreateRuleAsync(admin, new { range = $"{net}.77/24", kind = "block", reason = "test range" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var block = await created.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
        Assert.Equal($"{net}.0/24", block.GetProperty("range").GetString());
        Assert.Equal(IdentityFixture.AdminUserName, block.GetProperty("createdBy").GetString());
        var blockId = block.GetProperty("id").GetString();
        Assert.EndsWith($"/api/v1/security/ip-rules/{blockId}", created.Headers.Location?.ToString(), StringComparison.Ordinal);

        // The replica that served the change applies it at once.
        Assert.Equal(HttpStatusCode.Forbidden, await StatusFromAsync(fixture.Identity, $"{net}.7"));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusFromAsync(fixture.Gateway, $"{net}.8"));

        using var duplicate = await CreateRuleAsync(admin, new { range = $"{net}.0/24", kind = "block" });
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);

        using var allowed = await CreateRuleAsync(admin, new { range = $"{net}.7", kind = "allow" });
        Assert.Equal(HttpStatusCode.Created, allowed.StatusCode);
        var allowId = (await allowed.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.OK, await StatusFromAsync(fixture.Identity, $"{net}.7"));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusFromAsync(fixture.Identity, $"{net}.8"));

        var rules = await admin.GetFromJsonAsync<JsonElement>("/api/v1/security/ip-rules", Cancellation);
        var ids = rules.EnumerateArray().Select(r => r.GetProperty("id").GetString()).ToList();
        Assert.Contains(blockId, ids);
        Assert.Contains(allowId, ids);

        using (var deleted = await admin.DeleteAsync($"/api/v1/security/ip-rules/{blockId}", Cancellation))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        using (var again = await admin.DeleteAsync($"/api/v1/security/ip-rules/{blockId}", Cancellation))
        {
            Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, await StatusFromAsync(fixture.Identity, $"{net}.8"));
        (await admin.DeleteAsync($"/api/v1/security/ip-rules/{allowId}", Cancellation)).Dispose();

        var audit = await QueryAsync(fixture.IdentityServices, db => db.AuditEntries
            .Where(a => a.TargetId == blockId || a.TargetId == allowId).OrderBy(a => a.OccurredAt));
        Assert.Equal(["ip-rule.create", "ip-rule.create", "ip-rule.delete", "ip-rule.delete"], audit.Select(a => a.Action));
        Assert.All(audit, a => Assert.Equal(IdentityFixture.AdminUserName, a.ActorName));
        Assert.Contains(await QueryAsync(fixture.IdentityServices, db => db.SecurityEvents.Where(e => e.Type == SecurityEventTypes.IpBlocked)),
            e => e.Details!.Contains(blockId!, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Another_replica_sees_a_new_rule_within_seconds()
    {
        var (replica, _) = fixture.StartIdentity();
        var ip = "2001:db8:1::" + Random.Shared.Next(1, 0xffff).ToString("x", System.Globalization.CultureInfo.InvariantCulture);
        // The replica has loaded its rules (and will not reload on its own for 10 s).
        Assert.Equal(HttpStatusCode.OK, await StatusFromAsync(replica, ip));

        using var admin = await AdminClientAsync(fixture.Identity);
        using var created = await CreateRuleAsync(admin, new { range = ip, kind = "block" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("id").GetString();

        Assert.True(await EventuallyAsync(
            async () => await StatusFromAsync(replica, ip) == HttpStatusCode.Forbidden, TimeSpan.FromSeconds(3)));
        (await admin.DeleteAsync($"/api/v1/security/ip-rules/{id}", Cancellation)).Dispose();
        Assert.True(await EventuallyAsync(
            async () => await StatusFromAsync(replica, ip) == HttpStatusCode.OK, TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public async Task Invalid_rules_are_refused()
    {
        var ownIp = NextIp();
        using var admin = fixture.CreateClient(fixture.Identity, await AdminTokenAsync(fixture), ownIp);
        object[] invalid =
        [
            new { range = "not-an-address", kind = "block" },
            new { range = "203.0.113.0/40", kind = "block" },
            new { range = "203.0.113.0/24", kind = "deny" },
            new { range = "203.0.113.0/24", kind = "block", expiresAt = DateTimeOffset.UtcNow.AddMinutes(-1) },
            new { range = "203.0.113.0/24", kind = "block", reason = new string('r', 300) },
            new { range = ownIp, kind = "block" },
        ];
        foreach (var rule in invalid)
        {
            using var response = await CreateRuleAsync(admin, rule);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task Only_admins_manage_rules()
    {
        var viewer = await CreateUserAsync(fixture.IdentityServices);
        using var anonymous = fixture.CreateClient(clientIp: NextIp());
        using var signIn = fixture.CreateClient(fixture.Identity, clientIp: NextIp());
        using var asViewer = fixture.CreateClient(bearerToken: await TokenAsync(signIn, viewer.UserName, viewer.Password), clientIp: NextIp());

        using (var response = await anonymous.GetAsync("/api/v1/security/ip-rules", Cancellation))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        using (var response = await asViewer.GetAsync("/api/v1/security/ip-rules", Cancellation))
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }

        using (var response = await asViewer.PostAsJsonAsync("/api/v1/security/ip-rules", new { range = "203.0.113.9", kind = "block" }, Cancellation))
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }

        using (var response = await asViewer.GetAsync("/api/v1/security/events", Cancellation))
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }
    }
}
