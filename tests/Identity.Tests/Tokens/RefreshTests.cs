using WakeDock.Identity.Model;
using WakeDock.Identity.Tokens;

namespace WakeDock.Identity.Tests.Tokens;

public sealed class RefreshTests(IdentityFixture fixture)
{
    private IServiceProvider Services => fixture.IdentityServices;

    [Fact]
    public async Task Refresh_rotates_the_refresh_token_and_keeps_the_session()
    {
        var (_, first) = await TokenTestKit.NewSessionAsync(Services);

        var response = await TokenTestKit.RefreshAsync(fixture.Gateway, first.RefreshToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<TokenResponse>(TestContext.Current.CancellationToken);
        Assert.NotNull(body);
        Assert.Equal("Bearer", body.TokenType);
        Assert.Equal(first.SessionId, body.SessionId);
        Assert.NotEqual(first.RefreshToken, body.RefreshToken);
        Assert.NotEqual(first.AccessToken, body.AccessToken);
        Assert.InRange(body.ExpiresIn, 590, 600);
        Assert.True(body.RefreshExpiresIn > body.ExpiresIn);

        // Stored hashed, chained in one family.
        var stored = await TokenTestKit.RefreshTokensOfSessionAsync(Services, first.SessionId);
        Assert.Equal(2, stored.Count);
        Assert.Equal(TokenService.Hash(first.RefreshToken), stored[0].TokenHash);
        Assert.DoesNotContain(stored, t => t.TokenHash == first.RefreshToken || t.TokenHash == body.RefreshToken);
        Assert.NotNull(stored[0].UsedAt);
        Assert.Equal(stored[1].Id, stored[0].ReplacedById);
        Assert.Equal(stored[0].FamilyId, stored[1].FamilyId);

        using var client = TokenTestKit.Client(fixture.Gateway, body.AccessToken);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(TokenTestKit.ProtectedPath, TestContext.Current.CancellationToken)).StatusCode);

        // The successor works in turn.
        Assert.Equal(HttpStatusCode.OK, (await TokenTestKit.RefreshAsync(fixture.Gateway, body.RefreshToken)).StatusCode);
    }

    [Fact]
    public async Task Login_then_refresh_then_logout_through_the_gateway()
    {
        using var client = fixture.CreateClient(clientIp: "198.51.100.77");
        var login = await client.PostAsJsonAsync("/api/v1/auth/login", new { userName = IdentityFixture.AdminUserName, password = fixture.AdminPassword }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var tokens = await login.Content.ReadFromJsonAsync<TokenResponse>(TestContext.Current.CancellationToken);
        Assert.NotNull(tokens);

        var refreshed = await (await TokenTestKit.RefreshAsync(fixture.Gateway, tokens.RefreshToken)).Content.ReadFromJsonAsync<TokenResponse>(TestContext.Current.CancellationToken);
        Assert.NotNull(refreshed);
        Assert.Equal(tokens.SessionId, refreshed.SessionId);

        using var authed = TokenTestKit.Client(fixture.Gateway, refreshed.AccessToken);
        var sessions = await authed.GetFromJsonAsync<JsonElement[]>(TokenTestKit.ProtectedPath, TestContext.Current.CancellationToken);
        Assert.Contains(sessions!, s => s.GetProperty("sessionId").GetString() == tokens.SessionId && s.GetProperty("current").GetBoolean());
        Assert.Equal(HttpStatusCode.NoContent, (await authed.PostAsync("/api/v1/auth/logout", null, TestContext.Current.CancellationToken)).StatusCode);
        await TokenTestKit.AssertUnauthorizedAsync(await authed.GetAsync(TokenTestKit.ProtectedPath, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Reusing_a_refresh_token_revokes_its_family_and_session_and_records_the_event()
    {
        var (user, first) = await TokenTestKit.NewSessionAsync(Services);
        var second = await (await TokenTestKit.RefreshAsync(fixture.Gateway, first.RefreshToken)).Content
            .ReadFromJsonAsync<TokenResponse>(TestContext.Current.CancellationToken);
        Assert.NotNull(second);

        // The thief (or the victim) presents the used token again.
        var reuse = await TokenTestKit.RefreshAsync(fixture.Gateway, first.RefreshToken);

        var problem = await TokenTestKit.AssertProblemAsync(reuse, HttpStatusCode.Unauthorized);
        Assert.Equal("reused", problem.GetProperty("reason").GetString());
        Assert.Contains("invalid_token", reuse.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);

        // The legitimate successor is dead too, and so is the session with its access tokens.
        var successor = await TokenTestKit.RefreshAsync(fixture.Gateway, second.RefreshToken);
        Assert.Equal("revoked", (await TokenTestKit.AssertProblemAsync(successor, HttpStatusCode.Unauthorized)).GetProperty("reason").GetString());
        Assert.All(await TokenTestKit.RefreshTokensOfSessionAsync(Services, first.SessionId), t => Assert.NotNull(t.RevokedAt));
        using var client = TokenTestKit.Client(fixture.Gateway, second.AccessToken);
        await TokenTestKit.AssertUnauthorizedAsync(await client.GetAsync(TokenTestKit.ProtectedPath, TestContext.Current.CancellationToken));

        var recorded = Assert.Single(await TokenTestKit.SecurityEventsAsync(Services, SecurityEventTypes.RefreshTokenReused, user.Id));
        Assert.Equal(user.UserName, recorded.UserName);
        Assert.Contains(first.SessionId, recorded.Details, StringComparison.Ordinal);
        Assert.DoesNotContain(first.RefreshToken, recorded.Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_concurrent_uses_of_one_token_yield_exactly_one_success()
    {
        var (_, first) = await TokenTestKit.NewSessionAsync(Services);

        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => TokenTestKit.RefreshAsync(fixture.Identity, first.RefreshToken)));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(3, responses.Count(r => r.StatusCode == HttpStatusCode.Unauthorized));
        // A race on one token is a reuse: the family ends, including the winner's new token.
        var stored = await TokenTestKit.RefreshTokensOfSessionAsync(Services, first.SessionId);
        Assert.Equal(2, stored.Count);
        Assert.All(stored, t => Assert.NotNull(t.RevokedAt));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-token")]
    public async Task Unknown_or_missing_refresh_tokens_are_refused(string token)
    {
        var response = await TokenTestKit.RefreshAsync(fixture.Gateway, token);

        if (token.Length == 0)
        {
            await TokenTestKit.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        }
        else
        {
            var problem = await TokenTestKit.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
            Assert.Equal("unknown", problem.GetProperty("reason").GetString());
        }
    }

    [Fact]
    public async Task A_disabled_user_cannot_refresh_and_loses_the_session()
    {
        var (user, first) = await TokenTestKit.NewSessionAsync(Services);
        await TokenTestKit.SetEnabledAsync(Services, user.Id, enabled: false);

        var response = await TokenTestKit.RefreshAsync(fixture.Gateway, first.RefreshToken);

        Assert.Equal("user_disabled", (await TokenTestKit.AssertProblemAsync(response, HttpStatusCode.Unauthorized)).GetProperty("reason").GetString());
        using var client = TokenTestKit.Client(fixture.Gateway, first.AccessToken);
        await TokenTestKit.AssertUnauthorizedAsync(await client.GetAsync(TokenTestKit.ProtectedPath, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Refresh_after_logout_is_refused()
    {
        var (_, first) = await TokenTestKit.NewSessionAsync(Services);
        using var client = TokenTestKit.Client(fixture.Gateway, first.AccessToken);
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync("/api/v1/auth/logout", null, TestContext.Current.CancellationToken)).StatusCode);

        var response = await TokenTestKit.RefreshAsync(fixture.Gateway, first.RefreshToken);

        Assert.Equal("revoked", (await TokenTestKit.AssertProblemAsync(response, HttpStatusCode.Unauthorized)).GetProperty("reason").GetString());
    }
}
