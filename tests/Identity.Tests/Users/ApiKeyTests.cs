using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using WakeDock.Identity.Infrastructure;
using WakeDock.Identity.Model;
using WakeDock.Identity.Users;
using WakeDock.Identity.Users.Endpoints;
using WakeDock.ServiceDefaults.Security;

namespace WakeDock.Identity.Tests.Users;

/// <summary>API keys through the Gateway: shown once, stored hashed, projected into Redis, scoped, revocable.</summary>
public sealed partial class ApiKeyTests(IdentityFixture fixture)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private IDatabase Redis => fixture.IdentityServices.GetRequiredService<IConnectionMultiplexer>().GetDatabase();

    [Fact]
    public async Task A_key_is_shown_once_stored_hashed_projected_and_works_until_revoked()
    {
        var (owner, client) = await fixture.ClientAsAsync(Roles.Operator);
        var response = await client.PostAsJsonAsync("/api/v1/auth/api-keys", new { name = "ci deploy", role = Roles.Viewer, expiresInDays = 30 }, Cancel);
        await response.AssertStatusAsync(HttpStatusCode.Created);
        var created = await response.ReadAsync<CreatedApiKey>();
        Assert.Matches(KeyFormat(), created.Key);
        Assert.StartsWith(created.Prefix + "_", created.Key, StringComparison.Ordinal);
        Assert.Equal(Roles.Viewer, created.Role);
        Assert.InRange(created.ExpiresAt!.Value, DateTimeOffset.UtcNow.AddDays(29), DateTimeOffset.UtcNow.AddDays(31));

        // Never again: not in the list, not in the database.
        var listText = await client.GetStringAsync("/api/v1/auth/api-keys", Cancel);
        Assert.DoesNotContain(created.Key, listText, StringComparison.Ordinal);
        Assert.DoesNotContain(created.Key[^43..], listText, StringComparison.Ordinal);
        var listed = Assert.Single(JsonSerializer.Deserialize<List<ApiKeyView>>(listText, JsonSerializerOptions.Web)!);
        Assert.Equal((created.Id, created.Prefix, "ci deploy"), (listed.Id, listed.Prefix, listed.Name));
        var hash = ApiKeys.Hash(created.Key);
        await using (var scope = fixture.IdentityServices.CreateAsyncScope())
        {
            var stored = await scope.ServiceProvider.GetRequiredService<IdentityDbContext>().ApiKeys.AsNoTracking().SingleAsync(k => k.Id == created.Id, Cancel);
            Assert.Equal(hash, stored.KeyHash);
            Assert.Matches("^[0-9a-f]{64}$", stored.KeyHash);
        }

        var projection = (await Redis.HashGetAllAsync(AuthRedisKeys.ApiKey(hash))).ToDictionary(e => e.Name.ToString(), e => e.Value.ToString());
        Assert.Equal(created.Id.ToString(), projection["id"]);
        Assert.Equal(owner.Id.ToString(), projection["userId"]);
        Assert.Equal(owner.UserName, projection["userName"]);
        Assert.Equal(Roles.Viewer, projection["role"]);
        Assert.Equal("ci deploy", projection["name"]);
        Assert.Equal(created.ExpiresAt.Value, DateTimeOffset.Parse(projection["expiresAt"], System.Globalization.CultureInfo.InvariantCulture));
        var ttl = await Redis.KeyTimeToLiveAsync(AuthRedisKeys.ApiKey(hash));
        Assert.InRange(ttl!.Value, TimeSpan.FromDays(29), TimeSpan.FromDays(30.1));

        using var withKey = fixture.WithApiKey(created.Key);
        var me = await withKey.GetFromJsonAsync<UserView>("/api/v1/auth/me", Cancel);
        Assert.Equal(owner.Id, me!.Id);
        await (await withKey.GetAsync("/api/v1/users", Cancel)).AssertStatusAsync(HttpStatusCode.Forbidden);
        // A key cannot mint keys (a leaked key must not outlive its revocation through children).
        await (await withKey.PostAsJsonAsync("/api/v1/auth/api-keys", new { name = "child", role = Roles.Viewer }, Cancel)).AssertProblemAsync(HttpStatusCode.Forbidden);

        await Redis.HashSetAsync(AuthRedisKeys.ApiKeyLastUsed, created.Id.ToString(), "2026-01-02T03:04:05.0000000+00:00");
        var used = Assert.Single((await client.GetFromJsonAsync<List<ApiKeyView>>("/api/v1/auth/api-keys", Cancel))!);
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), used.LastUsedAt);

        await (await client.DeleteAsync($"/api/v1/auth/api-keys/{created.Id}", Cancel)).AssertStatusAsync(HttpStatusCode.NoContent);
        Assert.False(await Redis.KeyExistsAsync(AuthRedisKeys.ApiKey(hash)));
        await (await withKey.GetAsync("/api/v1/auth/me", Cancel)).AssertStatusAsync(HttpStatusCode.Unauthorized);
        await (await client.DeleteAsync($"/api/v1/auth/api-keys/{created.Id}", Cancel)).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Empty((await client.GetFromJsonAsync<List<ApiKeyView>>("/api/v1/auth/api-keys", Cancel))!);

        await UserTestKit.EventuallyAsync(async () =>
        {
            await using var scope = fixture.IdentityServices.CreateAsyncScope();
            var types = await scope.ServiceProvider.GetRequiredService<IdentityDbContext>().SecurityEvents
                .Where(e => e.UserId == owner.Id).Select(e => e.Type).ToListAsync(Cancel);
            return types.Contains(SecurityEventTypes.ApiKeyCreated) && types.Contains(SecurityEventTypes.ApiKeyRevoked);
        });
    }

    [Fact]
    public async Task A_key_cannot_outrank_its_creator_and_is_capped_when_the_owner_is_demoted()
    {
        var (owner, client) = await fixture.ClientAsAsync(Roles.Operator);
        await (await client.PostAsJsonAsync("/api/v1/auth/api-keys", new { name = "too high", role = Roles.Admin }, Cancel)).AssertProblemAsync(HttpStatusCode.Forbidden);
        var invalid = await client.PostAsJsonAsync("/api/v1/auth/api-keys", new { name = "", role = "god", expiresInDays = 0 }, Cancel);
        var errors = (await invalid.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("name", out _) && errors.TryGetProperty("role", out _) && errors.TryGetProperty("expiresInDays", out _));

        var created = await (await client.PostAsJsonAsync("/api/v1/auth/api-keys", new { name = "ops", role = Roles.Operator }, Cancel)).ReadAsync<CreatedApiKey>();
        var hash = ApiKeys.Hash(created.Key);
        Assert.Null(await Redis.KeyTimeToLiveAsync(AuthRedisKeys.ApiKey(hash)));

        var (_, admin) = await fixture.ClientAsAsync(Roles.Admin);
        await (await admin.PutAsJsonAsync($"/api/v1/users/{owner.Id}/role", new { role = Roles.Viewer }, Cancel)).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(Roles.Viewer, (string?)await Redis.HashGetAsync(AuthRedisKeys.ApiKey(hash), "role"));
    }

    [Fact]
    public async Task Only_the_owner_or_an_admin_sees_and_revokes_a_key()
    {
        var (owner, ownerClient) = await fixture.ClientAsAsync(Roles.Viewer);
        var (_, stranger) = await fixture.ClientAsAsync(Roles.Operator);
        var (_, admin) = await fixture.ClientAsAsync(Roles.Admin);
        var created = await (await ownerClient.PostAsJsonAsync("/api/v1/auth/api-keys", new { name = "mine", role = Roles.Viewer }, Cancel)).ReadAsync<CreatedApiKey>();

        Assert.Empty((await stranger.GetFromJsonAsync<List<ApiKeyView>>("/api/v1/auth/api-keys", Cancel))!);
        await (await stranger.GetAsync("/api/v1/auth/api-keys?all=true", Cancel)).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await stranger.DeleteAsync($"/api/v1/auth/api-keys/{created.Id}", Cancel)).AssertProblemAsync(HttpStatusCode.NotFound);

        var all = (await admin.GetFromJsonAsync<List<ApiKeyView>>("/api/v1/auth/api-keys?all=true", Cancel))!;
        Assert.Contains(all, k => k.Id == created.Id && k.UserName == owner.UserName);
        await (await admin.DeleteAsync($"/api/v1/auth/api-keys/{created.Id}", Cancel)).AssertStatusAsync(HttpStatusCode.NoContent);
        var entry = Assert.Single((await admin.GetFromJsonAsync<List<AuditEntryView>>($"/api/v1/audit?target={created.Id}&action={AuditActions.ApiKeyRevoke}", Cancel))!);
        Assert.Equal("api-key", entry.TargetType);
    }

    [Fact]
    public async Task A_disabled_users_keys_stop_working_and_come_back_on_enable()
    {
        var (owner, ownerClient) = await fixture.ClientAsAsync(Roles.Operator);
        var (_, admin) = await fixture.ClientAsAsync(Roles.Admin);
        var created = await (await ownerClient.PostAsJsonAsync("/api/v1/auth/api-keys", new { name = "robot", role = Roles.Operator }, Cancel)).ReadAsync<CreatedApiKey>();
        using var withKey = fixture.WithApiKey(created.Key);
        await (await withKey.GetAsync("/api/v1/auth/me", Cancel)).AssertStatusAsync(HttpStatusCode.OK);

        await (await admin.PostAsync($"/api/v1/users/{owner.Id}/disable", null, Cancel)).AssertStatusAsync(HttpStatusCode.OK);
        await (await withKey.GetAsync("/api/v1/auth/me", Cancel)).AssertStatusAsync(HttpStatusCode.Unauthorized);

        await (await admin.PostAsync($"/api/v1/users/{owner.Id}/enable", null, Cancel)).AssertStatusAsync(HttpStatusCode.OK);
        await (await withKey.GetAsync("/api/v1/auth/me", Cancel)).AssertStatusAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Identity_projects_every_active_key_again_when_it_starts()
    {
        var (_, client) = await fixture.ClientAsAsync(Roles.Viewer);
        var active = await (await client.PostAsJsonAsync("/api/v1/auth/api-keys", new { name = "survivor", role = Roles.Viewer }, Cancel)).ReadAsync<CreatedApiKey>();
        var revoked = await (await client.PostAsJsonAsync("/api/v1/auth/api-keys", new { name = "gone", role = Roles.Viewer }, Cancel)).ReadAsync<CreatedApiKey>();
        await (await client.DeleteAsync($"/api/v1/auth/api-keys/{revoked.Id}", Cancel)).AssertStatusAsync(HttpStatusCode.NoContent);

        // As if Redis had been flushed, and had missed the revocation.
        await Redis.KeyDeleteAsync(AuthRedisKeys.ApiKey(ApiKeys.Hash(active.Key)));
        await Redis.HashSetAsync(AuthRedisKeys.ApiKey(ApiKeys.Hash(revoked.Key)), "id", revoked.Id.ToString());

        fixture.StartIdentity();
        await UserTestKit.EventuallyAsync(async () =>
            await Redis.KeyExistsAsync(AuthRedisKeys.ApiKey(ApiKeys.Hash(active.Key)))
            && !await Redis.KeyExistsAsync(AuthRedisKeys.ApiKey(ApiKeys.Hash(revoked.Key))));
        using var withKey = fixture.WithApiKey(active.Key);
        await (await withKey.GetAsync("/api/v1/auth/me", Cancel)).AssertStatusAsync(HttpStatusCode.OK);
    }

    [GeneratedRegex("^wdk_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$")]
    private static partial Regex KeyFormat();
}
