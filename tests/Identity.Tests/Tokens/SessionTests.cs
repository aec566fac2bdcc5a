using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using WakeDock.Identity.Tokens;
using WakeDock.ServiceDefaults.Security;

namespace WakeDock.Identity.Tests.Tokens;

public sealed class SessionTests(IdentityFixture fixture)
{
    private IServiceProvider Services => fixture.IdentityServices;

    [Fact]
    public async Task A_session_is_stored_in_redis_in_the_shared_format()
    {
        var (user, tokens) = await TokenTestKit.NewSessionAsync(Services);
        var redis = Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();

        var fields = (await redis.HashGetAllAsync(AuthRedisKeys.Session(tokens.SessionId))).ToDictionary(f => f.Name.ToString(), f => f.Value.ToString());
        var ttl = await redis.KeyTimeToLiveAsync(AuthRedisKeys.Session(tokens.SessionId));

        Assert.Equal(user.Id.ToString(), fields["userId"]);
        Assert.Equal(user.UserName, fields["userName"]);
        Assert.Equal(Roles.Viewer, fields["role"]);
        Assert.Equal("198.51.100.20", fields["ip"]);
        Assert.Equal("token-tests", fields["userAgent"]);
        Assert.True(DateTimeOffset.TryParse(fields["createdAt"], out _));
        Assert.True(DateTimeOffset.TryParse(fields["lastSeenAt"], out _));
        Assert.True(DateTimeOffset.TryParse(fields["expiresAt"], out _));
        Assert.InRange(ttl!.Value, TimeSpan.FromHours(7.9), TimeSpan.FromHours(8));
        Assert.True(await redis.SetContainsAsync(AuthRedisKeys.UserSessions(user.Id), tokens.SessionId));
    }

    [Fact]
    public async Task Listing_marks_the_current_session_and_a_user_can_end_only_their_own()
    {
        var user = await TokenTestKit.CreateUserAsync(Services);
        var phone = await TokenTestKit.SignInAsync(Services, user);
        var laptop = await TokenTestKit.SignInAsync(Services, user);
        var (_, stranger) = await TokenTestKit.NewSessionAsync(Services);
        using var client = TokenTestKit.Client(fixture.Gateway, laptop.AccessToken);

        var sessions = await client.GetFromJsonAsync<JsonElement[]>(TokenTestKit.ProtectedPath, TestContext.Current.CancellationToken);
        Assert.NotNull(sessions);
        Assert.Equal(2, sessions.Length);
        Assert.True(sessions.Single(s => s.GetProperty("sessionId").GetString() == laptop.SessionId).GetProperty("current").GetBoolean());
        Assert.False(sessions.Single(s => s.GetProperty("sessionId").GetString() == phone.SessionId).GetProperty("current").GetBoolean());

        await TokenTestKit.AssertProblemAsync(await client.DeleteAsync($"{TokenTestKit.ProtectedPath}/{stranger.SessionId}", TestContext.Current.CancellationToken), HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"{TokenTestKit.ProtectedPath}/{phone.SessionId}", TestContext.Current.CancellationToken)).StatusCode);

        using var phoneClient = TokenTestKit.Client(fixture.Gateway, phone.AccessToken);
        await TokenTestKit.AssertUnauthorizedAsync(await phoneClient.GetAsync(TokenTestKit.ProtectedPath, TestContext.Current.CancellationToken));
        using var strangerClient = TokenTestKit.Client(fixture.Gateway, stranger.AccessToken);
        Assert.Equal(HttpStatusCode.OK, (await strangerClient.GetAsync(TokenTestKit.ProtectedPath, TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task Logout_all_ends_every_session_of_the_caller_and_their_refresh_tokens()
    {
        var user = await TokenTestKit.CreateUserAsync(Services);
        var sessions = new[] { await TokenTestKit.SignInAsync(Services, user), await TokenTestKit.SignInAsync(Services, user), await TokenTestKit.SignInAsync(Services, user) };
        using var client = TokenTestKit.Client(fixture.Gateway, sessions[0].AccessToken);

        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync("/api/v1/auth/logout-all", null, TestContext.Current.CancellationToken)).StatusCode);

        foreach (var session in sessions)
        {
            using var other = TokenTestKit.Client(fixture.Gateway, session.AccessToken);
            await TokenTestKit.AssertUnauthorizedAsync(await other.GetAsync(TokenTestKit.ProtectedPath, TestContext.Current.CancellationToken));
            await TokenTestKit.AssertProblemAsync(await TokenTestKit.RefreshAsync(fixture.Gateway, session.RefreshToken), HttpStatusCode.Unauthorized);
        }
    }

    [Fact]
    public async Task An_admin_lists_and_revokes_another_users_sessions()
    {
        var (_, admin) = await TokenTestKit.NewSessionAsync(Services, Roles.Admin);
        var target = await TokenTestKit.CreateUserAsync(Services);
        var first = await TokenTestKit.SignInAsync(Services, target);
        var second = await TokenTestKit.SignInAsync(Services, target);
        using var client = TokenTestKit.Client(fixture.Gateway, admin.AccessToken);
        var path = $"/api/v1/users/{target.Id}/sessions";

        var listed = await client.GetFromJsonAsync<JsonElement[]>(path, TestContext.Current.CancellationToken);
        Assert.Equal(2, listed!.Length);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"{path}/{first.SessionId}", TestContext.Current.CancellationToken)).StatusCode);
        // A session id of someone else under this user is not found.
        await TokenTestKit.AssertProblemAsync(await client.DeleteAsync($"{path}/{admin.SessionId}", TestContext.Current.CancellationToken), HttpStatusCode.NotFound);
        await TokenTestKit.AssertProblemAsync(await client.GetAsync($"/api/v1/users/{Guid.NewGuid()}/sessions", TestContext.Current.CancellationToken), HttpStatusCode.NotFound);
        using (var firstClient = TokenTestKit.Client(fixture.Gateway, first.AccessToken))
        {
            await TokenTestKit.AssertUnauthorizedAsync(await firstClient.GetAsync(TokenTestKit.ProtectedPath, TestContext.Current.CancellationToken));
        }

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync(path, TestContext.Current.CancellationToken)).StatusCode);
        using var secondClient = TokenTestKit.Client(fixture.Gateway, second.AccessToken);
        await TokenTestKit.AssertUnauthorizedAsync(await secondClient.GetAsync(TokenTestKit.ProtectedPath, TestContext.Current.CancellationToken));
        Assert.Empty((await client.GetFromJsonAsync<JsonElement[]>(path, TestContext.Current.CancellationToken))!);
    }

    [Fact]
    public async Task A_viewer_or_operator_cannot_manage_other_users_sessions_or_keys()
    {
        var (_, viewer) = await TokenTestKit.NewSessionAsync(Services, Roles.Viewer);
        var (_, operatorTokens) = await TokenTestKit.NewSessionAsync(Services, Roles.Operator);
        var (target, _) = await TokenTestKit.NewSessionAsync(Services);

        foreach (var tokens in new[] { viewer, operatorTokens })
        {
            using var client = TokenTestKit.Client(fixture.Gateway, tokens.AccessToken);
            await TokenTestKit.AssertProblemAsync(await client.GetAsync($"/api/v1/users/{target.Id}/sessions", TestContext.Current.CancellationToken), HttpStatusCode.Forbidden);
            await TokenTestKit.AssertProblemAsync(await client.DeleteAsync($"/api/v1/users/{target.Id}/sessions", TestContext.Current.CancellationToken), HttpStatusCode.Forbidden);
            await TokenTestKit.AssertProblemAsync(await client.PostAsync("/api/v1/auth/keys/rotate", null, TestContext.Current.CancellationToken), HttpStatusCode.Forbidden);
            await TokenTestKit.AssertProblemAsync(await client.GetAsync("/api/v1/auth/keys", TestContext.Current.CancellationToken), HttpStatusCode.Forbidden);
        }
    }

    [Fact]
    public async Task An_idle_session_ends_and_activity_keeps_it_alive()
    {
        var (address, services) = fixture.StartIdentity(new Dictionary<string, string?> { ["Identity:SessionIdleTimeout"] = "00:00:03" });
        var (_, idle) = await TokenTestKit.NewSessionAsync(services);
        var (_, active) = await TokenTestKit.NewSessionAsync(services);

        // Refreshing every 1.5 s slides the idle timeout past the 3 s the idle session gets.
        var refreshToken = active.RefreshToken;
        string accessToken = active.AccessToken;
        for (var i = 0; i < 3; i++)
        {
            await Task.Delay(TimeSpan.FromSeconds(1.5), TestContext.Current.CancellationToken);
            var refreshed = await (await TokenTestKit.RefreshAsync(address, refreshToken)).Content.ReadFromJsonAsync<TokenResponse>(TestContext.Current.CancellationToken);
            (refreshToken, accessToken) = (refreshed!.RefreshToken, refreshed.AccessToken);
        }

        using var activeClient = TokenTestKit.Client(address, accessToken);
        Assert.Equal(HttpStatusCode.OK, (await activeClient.GetAsync(TokenTestKit.ProtectedPath, TestContext.Current.CancellationToken)).StatusCode);
        using var idleClient = TokenTestKit.Client(address, idle.AccessToken);
        await TokenTestKit.AssertUnauthorizedAsync(await idleClient.GetAsync(TokenTestKit.ProtectedPath, TestContext.Current.CancellationToken));
        var refused = await TokenTestKit.RefreshAsync(address, idle.RefreshToken);
        Assert.Equal("session_ended", (await TokenTestKit.AssertProblemAsync(refused, HttpStatusCode.Unauthorized)).GetProperty("reason").GetString());
    }

    [Fact]
    public async Task The_absolute_lifetime_ends_a_session_however_active()
    {
        var (address, services) = fixture.StartIdentity(new Dictionary<string, string?> { ["Identity:SessionAbsoluteLifetime"] = "00:00:04" });
        var (_, tokens) = await TokenTestKit.NewSessionAsync(services);
        Assert.True(tokens.RefreshTokenExpiresAt - DateTimeOffset.UtcNow <= TimeSpan.FromSeconds(4));

        await Task.Delay(TimeSpan.FromSeconds(1.5), TestContext.Current.CancellationToken);
        var refreshed = await (await TokenTestKit.RefreshAsync(address, tokens.RefreshToken)).Content.ReadFromJsonAsync<TokenResponse>(TestContext.Current.CancellationToken);
        Assert.NotNull(refreshed);
        Assert.InRange(refreshed.RefreshExpiresIn, 0, 3);

        await Task.Delay(TimeSpan.FromSeconds(3), TestContext.Current.CancellationToken);
        using var client = TokenTestKit.Client(address, refreshed.AccessToken);
        await TokenTestKit.AssertUnauthorizedAsync(await client.GetAsync(TokenTestKit.ProtectedPath, TestContext.Current.CancellationToken));
        await TokenTestKit.AssertProblemAsync(await TokenTestKit.RefreshAsync(address, refreshed.RefreshToken), HttpStatusCode.Unauthorized);
    }
}
