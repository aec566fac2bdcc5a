using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using WakeDock.ServiceDefaults.Security;

namespace WakeDock.Identity.Tests.Tokens;

/// <summary><c>AddWakeDockAuthentication()</c> in a service other than Identity: keys over HTTP, sessions and API keys in Redis.</summary>
public sealed class ServiceAuthenticationTests(IdentityFixture fixture)
{
    private IServiceProvider Services => fixture.IdentityServices;

    private IDatabase Redis => Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();

    [Fact]
    public async Task Another_service_accepts_identity_tokens_and_applies_role_policies()
    {
        await using var probe = await ProbeService.StartAsync(fixture);
        var (user, viewer) = await TokenTestKit.NewSessionAsync(Services, Roles.Viewer);
        var (_, operatorTokens) = await TokenTestKit.NewSessionAsync(Services, Roles.Operator);
        using var viewerClient = TokenTestKit.Client(probe.Address, viewer.AccessToken);
        using var operatorClient = TokenTestKit.Client(probe.Address, operatorTokens.AccessToken);

        var me = await viewerClient.GetFromJsonAsync<JsonElement>("/whoami", TestContext.Current.CancellationToken);
        Assert.Equal(user.Id.ToString(), me.GetProperty("sub").GetString());
        Assert.Equal(user.UserName, me.GetProperty("name").GetString());
        Assert.Equal("pwd", me.GetProperty("amr").GetString());
        Assert.True(me.GetProperty("isViewer").GetBoolean());

        await TokenTestKit.AssertProblemAsync(await viewerClient.GetAsync("/operate", TestContext.Current.CancellationToken), HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.OK, (await operatorClient.GetAsync("/operate", TestContext.Current.CancellationToken)).StatusCode);
        await TokenTestKit.AssertProblemAsync(await operatorClient.GetAsync("/admin", TestContext.Current.CancellationToken), HttpStatusCode.Forbidden);

        // Logout at Identity is immediate at every service.
        using var identityClient = TokenTestKit.Client(fixture.Gateway, viewer.AccessToken);
        Assert.Equal(HttpStatusCode.NoContent, (await identityClient.PostAsync("/api/v1/auth/logout", null, TestContext.Current.CancellationToken)).StatusCode);
        await TokenTestKit.AssertUnauthorizedAsync(await viewerClient.GetAsync("/whoami", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Another_service_fails_closed_when_identity_is_unreachable()
    {
        var (_, tokens) = await TokenTestKit.NewSessionAsync(Services);
        await using var probe = await ProbeService.StartAsync(fixture, new Dictionary<string, string?>
        {
            ["Authentication:JwksUri"] = "http://127.0.0.1:9/.well-known/jwks.json",
        });
        using var client = TokenTestKit.Client(probe.Address, tokens.AccessToken);

        // Never got a key: fails closed, quickly, as a 401 problem rather than a 500.
        await TokenTestKit.AssertUnauthorizedAsync(await client.GetAsync("/whoami", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Api_keys_authenticate_from_redis_with_their_role_and_record_last_use()
    {
        await using var probe = await ProbeService.StartAsync(fixture);
        var (key, id) = await StoreApiKeyAsync(Roles.Operator, expiresAt: DateTimeOffset.UtcNow.AddHours(1));

        using var header = TokenTestKit.Client(probe.Address);
        header.DefaultRequestHeaders.Add(WakeDockAuthenticationDefaults.ApiKeyHeader, key);
        var me = await header.GetFromJsonAsync<JsonElement>("/whoami", TestContext.Current.CancellationToken);
        Assert.Equal("api_key", me.GetProperty("amr").GetString());
        Assert.Equal(id, me.GetProperty("apiKeyId").GetString());
        Assert.Equal(HttpStatusCode.OK, (await header.GetAsync("/operate", TestContext.Current.CancellationToken)).StatusCode);
        await TokenTestKit.AssertProblemAsync(await header.GetAsync("/admin", TestContext.Current.CancellationToken), HttpStatusCode.Forbidden);

        using var authorization = TokenTestKit.Client(probe.Address);
        authorization.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("ApiKey", key);
        Assert.Equal(HttpStatusCode.OK, (await authorization.GetAsync("/whoami", TestContext.Current.CancellationToken)).StatusCode);

        var lastUsed = await Redis.HashGetAsync(AuthRedisKeys.ApiKeyLastUsed, id);
        Assert.True(DateTimeOffset.TryParse(lastUsed.ToString(), CultureInfo.InvariantCulture, out var when));
        Assert.InRange(when, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddSeconds(5));

        // Revocation deletes the Redis entry: the key stops working at once.
        await Redis.KeyDeleteAsync(AuthRedisKeys.ApiKey(ApiKeyAuthenticationHandler.Hash(key)));
        await AssertApiKeyRejectedAsync(probe, key);
    }

    [Fact]
    public async Task Expired_unknown_and_malformed_api_keys_are_rejected()
    {
        await using var probe = await ProbeService.StartAsync(fixture);
        var (expired, _) = await StoreApiKeyAsync(Roles.Admin, expiresAt: DateTimeOffset.UtcNow.AddSeconds(-1));

        await AssertApiKeyRejectedAsync(probe, expired);
        await AssertApiKeyRejectedAsync(probe, "wdk_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)));
        await AssertApiKeyRejectedAsync(probe, "not-a-wakedock-key");
    }

    private async Task<(string Key, string Id)> StoreApiKeyAsync(string role, DateTimeOffset? expiresAt)
    {
        var user = await TokenTestKit.CreateUserAsync(Services, role);
        var key = "wdk_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)) + "_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var id = Guid.NewGuid().ToString();
        await Redis.HashSetAsync(AuthRedisKeys.ApiKey(ApiKeyAuthenticationHandler.Hash(key)),
        [
            new HashEntry("id", id),
            new HashEntry("userId", user.Id.ToString()),
            new HashEntry("userName", user.UserName),
            new HashEntry("role", role),
            new HashEntry("name", "ci"),
            new HashEntry("expiresAt", expiresAt?.ToString("O", CultureInfo.InvariantCulture) ?? string.Empty),
        ]);
        return (key, id);
    }

    private static async Task AssertApiKeyRejectedAsync(ProbeService probe, string key)
    {
        using var client = TokenTestKit.Client(probe.Address);
        client.DefaultRequestHeaders.Add(WakeDockAuthenticationDefaults.ApiKeyHeader, key);
        var response = await client.GetAsync("/whoami", TestContext.Current.CancellationToken);
        await TokenTestKit.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("ApiKey", response.Headers.WwwAuthenticate.ToString());
    }
}
