using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using WakeDock.Identity.Infrastructure;
using WakeDock.Identity.Model;
using WakeDock.Identity.Tokens;
using WakeDock.ServiceDefaults.Security;

namespace WakeDock.Identity.Tests.Tokens;

/// <summary>
/// Signing keys are shared by every test (one database), so the tests that rotate and remove
/// them run alone, after the parallel ones.
/// </summary>
[CollectionDefinition(nameof(SigningKeyTests), DisableParallelization = true)]
public sealed class SigningKeyTests;

[Collection(nameof(SigningKeyTests))]
public sealed class KeyRotationTests(IdentityFixture fixture)
{
    private IServiceProvider Services => fixture.IdentityServices;

    [Fact]
    public async Task A_token_signed_before_rotation_validates_until_its_key_is_removed()
    {
        var (adminUser, admin) = await TokenTestKit.NewSessionAsync(Services, Roles.Admin);
        var (_, before) = await TokenTestKit.NewSessionAsync(Services);
        var oldKid = new JsonWebToken(before.AccessToken).Kid;
        await using var probe = await ProbeService.StartAsync(fixture, new Dictionary<string, string?> { ["Authentication:JwksMinimumRefetchInterval"] = "00:00:00.2" });
        using var adminClient = TokenTestKit.Client(fixture.Gateway, admin.AccessToken);
        using var beforeAtIdentity = TokenTestKit.Client(fixture.Gateway, before.AccessToken);
        using var beforeAtProbe = TokenTestKit.Client(probe.Address, before.AccessToken);
        Assert.Equal(HttpStatusCode.OK, (await beforeAtProbe.GetAsync("/whoami", TestContext.Current.CancellationToken)).StatusCode);

        var rotation = await adminClient.PostAsync("/api/v1/auth/keys/rotate", null, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, rotation.StatusCode);
        var rotated = await rotation.Content.ReadFromJsonAsync<KeyRotationResult>(TestContext.Current.CancellationToken);
        Assert.Equal(oldKid, rotated!.RetiredKeyId);
        Assert.NotEqual(oldKid, rotated.ActiveKeyId);

        // New tokens use the new key; other services fetch it on first sight of its kid.
        var (_, after) = await TokenTestKit.NewSessionAsync(Services);
        Assert.Equal(rotated.ActiveKeyId, new JsonWebToken(after.AccessToken).Kid);
        await Task.Delay(TimeSpan.FromMilliseconds(300), TestContext.Current.CancellationToken);
        using var afterAtProbe = TokenTestKit.Client(probe.Address, after.AccessToken);
        Assert.Equal(HttpStatusCode.OK, (await afterAtProbe.GetAsync("/whoami", TestContext.Current.CancellationToken)).StatusCode);

        // Both keys are published; the old token still works everywhere.
        Assert.Equal(2, (await JwksKidsAsync()).Intersect([oldKid, rotated.ActiveKeyId]).Count());
        Assert.Equal(HttpStatusCode.OK, (await beforeAtIdentity.GetAsync(TokenTestKit.ProtectedPath, TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await beforeAtProbe.GetAsync("/whoami", TestContext.Current.CancellationToken)).StatusCode);
        Assert.NotEmpty(await TokenTestKit.SecurityEventsAsync(Services, SecurityEventTypes.SigningKeyRotated));

        var keys = await adminClient.GetFromJsonAsync<SigningKeyView[]>("/api/v1/auth/keys", TestContext.Current.CancellationToken);
        Assert.NotNull(keys);
        Assert.Equal("active", keys.Single(k => k.KeyId == rotated.ActiveKeyId).Status);
        var retired = keys.Single(k => k.KeyId == oldKid);
        Assert.Equal("retired", retired.Status);
        Assert.True(retired.RemoveAfter > retired.RetiredAt + TimeSpan.FromMinutes(10));

        // The active key cannot be removed; the retired one can, and its tokens die with it
        // (the admin's own first token too: continue with one signed by the new key).
        using var newAdmin = TokenTestKit.Client(fixture.Gateway, (await TokenTestKit.SignInAsync(Services, adminUser)).AccessToken);
        adminClient.DefaultRequestHeaders.Authorization = newAdmin.DefaultRequestHeaders.Authorization;
        await TokenTestKit.AssertProblemAsync(await adminClient.DeleteAsync($"/api/v1/auth/keys/{rotated.ActiveKeyId}", TestContext.Current.CancellationToken), HttpStatusCode.Conflict);
        Assert.Equal(HttpStatusCode.NoContent, (await adminClient.DeleteAsync($"/api/v1/auth/keys/{oldKid}", TestContext.Current.CancellationToken)).StatusCode);
        await TokenTestKit.AssertProblemAsync(await adminClient.DeleteAsync($"/api/v1/auth/keys/{oldKid}", TestContext.Current.CancellationToken), HttpStatusCode.NotFound);

        Assert.DoesNotContain(oldKid, await JwksKidsAsync());
        await TokenTestKit.AssertUnauthorizedAsync(await beforeAtIdentity.GetAsync(TokenTestKit.ProtectedPath, TestContext.Current.CancellationToken));
        Assert.Equal("removed", (await adminClient.GetFromJsonAsync<SigningKeyView[]>("/api/v1/auth/keys", TestContext.Current.CancellationToken))!.Single(k => k.KeyId == oldKid).Status);
        Assert.Equal(HttpStatusCode.OK, (await afterAtProbe.GetAsync("/whoami", TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task Concurrent_rotations_on_two_replicas_leave_exactly_one_active_key()
    {
        var (_, second) = fixture.StartIdentity();
        var stores = new[] { Services.GetRequiredService<SigningKeyStore>(), second.GetRequiredService<SigningKeyStore>() };

        await Task.WhenAll(Enumerable.Range(0, 6).Select(i => stores[i % 2].MaintainAsync(forceRotation: i % 3 == 0, client: null, TestContext.Current.CancellationToken)));

        var active = Assert.Single(await LiveKeysAsync(), k => k.RetiredAt is null);
        // The next pass on each replica agrees on it and signs with it.
        foreach (var store in stores)
        {
            Assert.Equal(active.KeyId, (await store.MaintainAsync(forceRotation: false, client: null, TestContext.Current.CancellationToken)).ActiveKeyId);
            Assert.Equal(active.KeyId, (await store.GetSigningCredentialsAsync(TestContext.Current.CancellationToken)).Key.KeyId);
        }
    }

    [Fact]
    public async Task Maintenance_removes_retired_keys_only_after_their_tokens_can_have_expired()
    {
        var store = Services.GetRequiredService<SigningKeyStore>();
        var rotation = await store.MaintainAsync(forceRotation: true, client: null, TestContext.Current.CancellationToken);
        Assert.NotNull(rotation.RetiredKeyId);

        // Now: too early, the retired key stays.
        await store.MaintainAsync(forceRotation: false, client: null, TestContext.Current.CancellationToken);
        Assert.Contains(await LiveKeysAsync(), k => k.KeyId == rotation.RetiredKeyId);

        // A replica whose clock is past the retention (lifetime + skew + cache) removes it, and keeps the active key.
        var later = new SigningKeyStore(
            Services.GetRequiredService<IServiceScopeFactory>(),
            Services.GetRequiredService<SigningKeyProtector>(),
            Services.GetRequiredService<IdentitySettings>(),
            new ShiftedTime(store.RetentionAfterRetirement + TimeSpan.FromSeconds(5)),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<SigningKeyStore>.Instance);
        using (later)
        {
            var pruned = await later.MaintainAsync(forceRotation: false, client: null, TestContext.Current.CancellationToken);
            Assert.True(pruned.Removed >= 1);
            Assert.Equal(rotation.ActiveKeyId, pruned.ActiveKeyId);
            Assert.Null(pruned.RetiredKeyId);
        }

        Assert.DoesNotContain(await LiveKeysAsync(), k => k.KeyId == rotation.RetiredKeyId);
    }

    private async Task<List<string>> JwksKidsAsync()
    {
        using var client = TokenTestKit.Client(fixture.Gateway);
        var jwks = await client.GetFromJsonAsync<JsonElement>("/.well-known/jwks.json", TestContext.Current.CancellationToken);
        return [.. jwks.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()!)];
    }

    private async Task<List<SigningKey>> LiveKeysAsync()
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityDbContext>();
        return await db.SigningKeys.AsNoTracking().Where(k => k.RemovedAt == null).ToListAsync(TestContext.Current.CancellationToken);
    }

    private sealed class ShiftedTime(TimeSpan offset) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + offset;
    }
}
