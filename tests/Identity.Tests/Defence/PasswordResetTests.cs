using Microsoft.Extensions.DependencyInjection;
using WakeDock.Contracts.Identity;
using WakeDock.Identity.Model;
using WakeDock.Identity.Sessions;
using static WakeDock.Identity.Tests.Defence.DefenceTestSupport;

namespace WakeDock.Identity.Tests.Defence;

/// <summary>Password reset: one answer for every account, single-use expiring tokens, the message on the real bus.</summary>
public sealed class PasswordResetTests(IdentityFixture fixture, BusProbe bus) : IClassFixture<BusProbe>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static Task<HttpResponseMessage> RequestAsync(HttpClient client, string userNameOrEmail)
        => client.PostAsJsonAsync("/api/v1/auth/password-reset", new { userNameOrEmail }, Cancellation);

    private static Task<HttpResponseMessage> ConfirmAsync(HttpClient client, string token, string newPassword)
        => client.PostAsJsonAsync("/api/v1/auth/password-reset/confirm", new { token, newPassword }, Cancellation);

    private async Task<string> RequestTokenAsync(HttpClient client, TestUser user, string? nameOrEmail = null)
    {
        var seen = bus.Received<PasswordResetRequested>().Where(m => m.UserId == user.Id).Select(m => m.ResetLink).ToHashSet();
        using var response = await RequestAsync(client, nameOrEmail ?? user.UserName);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var message = await bus.WaitForAsync<PasswordResetRequested>(m => m.UserId == user.Id && !seen.Contains(m.ResetLink));
        Assert.NotNull(message);
        return Uri.UnescapeDataString(message.ResetLink.Split("token=")[1]);
    }

    [Fact]
    public async Task Known_and_unknown_accounts_get_the_same_answer_and_only_known_ones_a_message()
    {
        var user = await CreateUserAsync(fixture.IdentityServices);
        var noEmail = await CreateUserAsync(fixture.IdentityServices, withEmail: false);
        using var client = fixture.CreateClient(clientIp: NextIp());

        var bodies = new List<string>();
        foreach (var name in new[] { user.UserName, "ghost-" + Guid.NewGuid().ToString("N")[..10], noEmail.UserName })
        {
            using var response = await RequestAsync(client, name);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            bodies.Add(await response.Content.ReadAsStringAsync(Cancellation));
        }

        Assert.Single(bodies.Distinct());

        var message = await bus.WaitForAsync<PasswordResetRequested>(m => m.UserId == user.Id);
        Assert.NotNull(message);
        Assert.Equal(user.UserName, message.UserName);
        Assert.Equal(user.Email, message.Email);
        Assert.StartsWith("/reset-password?token=", message.ResetLink, StringComparison.Ordinal);
        Assert.InRange(message.ExpiresAt, DateTimeOffset.UtcNow.AddMinutes(14), DateTimeOffset.UtcNow.AddMinutes(16));

        // Only a hash is stored.
        var token = message.ResetLink.Split("token=")[1];
        var stored = Assert.Single(await QueryAsync(fixture.IdentityServices, db => db.PasswordResetTokens.Where(t => t.UserId == user.Id)));
        Assert.NotEqual(token, stored.TokenHash);

        Assert.True(await EventuallyAsync(
            async () => (await QueryAsync(fixture.IdentityServices, db => db.SecurityEvents
                .Where(e => e.Type == SecurityEventTypes.PasswordResetRequested && e.UserId == noEmail.Id))).Count == 1,
            TimeSpan.FromSeconds(10)));
        Assert.DoesNotContain(bus.Received<PasswordResetRequested>(), m => m.UserId == noEmail.Id);
    }

    [Fact]
    public async Task A_token_sets_the_password_once_ends_sessions_and_clears_the_lockout()
    {
        var user = await CreateUserAsync(fixture.IdentityServices);
        using var client = fixture.CreateClient(clientIp: NextIp());
        using var signIn = await LoginAsync(client, user.UserName, user.Password);
        var sessionId = (await signIn.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("sessionId").GetString()!;
        await UpdateUserAsync(fixture.IdentityServices, user.Id, u =>
        {
            u.FailedSignInCount = 9;
            u.LockedUntil = DateTimeOffset.UtcNow.AddHours(1);
        });

        var token = await RequestTokenAsync(client, user, user.Email);

        // A password the policy refuses does not spend the token.
        using (var weak = await ConfirmAsync(client, token, "short"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, weak.StatusCode);
            Assert.Contains("newPassword", await weak.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
        }

        var newPassword = NewPassword();
        using (var confirmed = await ConfirmAsync(client, token, newPassword))
        {
            Assert.Equal(HttpStatusCode.NoContent, confirmed.StatusCode);
        }

        using (var reused = await ConfirmAsync(client, token, NewPassword()))
        {
            Assert.Equal(HttpStatusCode.BadRequest, reused.StatusCode);
            Assert.Contains("invalid or expired token", await StableProblemAsync(reused), StringComparison.Ordinal);
        }

        await using (var scope = fixture.IdentityServices.CreateAsyncScope())
        {
            Assert.Null(await scope.ServiceProvider.GetRequiredService<ISessionStore>().GetAsync(sessionId, Cancellation));
        }

        var stored = await ReadUserAsync(fixture.IdentityServices, user.Id);
        Assert.Equal(0, stored.FailedSignInCount);
        Assert.Null(stored.LockedUntil);

        using (var old = await LoginAsync(client, user.UserName, user.Password))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
        }

        using (var fresh = await LoginAsync(client, user.UserName, newPassword))
        {
            Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        }

        Assert.Single(await QueryAsync(fixture.IdentityServices, db => db.SecurityEvents
            .Where(e => e.Type == SecurityEventTypes.PasswordResetCompleted && e.UserId == user.Id)));
    }

    [Fact]
    public async Task A_newer_request_invalidates_the_older_token_and_unknown_tokens_fail_alike()
    {
        var user = await CreateUserAsync(fixture.IdentityServices);
        using var client = fixture.CreateClient(fixture.Identity, clientIp: NextIp());
        var first = await RequestTokenAsync(client, user);
        var second = await RequestTokenAsync(client, user);
        Assert.NotEqual(first, second);

        var bodies = new List<string>();
        foreach (var token in new[] { first, "made-up-token", "" })
        {
            using var response = await ConfirmAsync(client, token, NewPassword());
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            bodies.Add(await StableProblemAsync(response));
        }

        Assert.Single(bodies.Distinct());
        using var ok = await ConfirmAsync(client, second, NewPassword());
        Assert.Equal(HttpStatusCode.NoContent, ok.StatusCode);
    }

    [Fact]
    public async Task Tokens_expire()
    {
        var (identity, services) = fixture.StartIdentity(new Dictionary<string, string?>
        {
            ["Identity:PasswordReset:TokenLifetime"] = "00:00:02",
        });
        var user = await CreateUserAsync(services);
        using var client = fixture.CreateClient(identity, clientIp: NextIp());
        using (var response = await RequestAsync(client, user.UserName))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        var message = await bus.WaitForAsync<PasswordResetRequested>(m => m.UserId == user.Id);
        Assert.NotNull(message);
        var wait = message.ExpiresAt - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(300);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, Cancellation);
        }

        using var expired = await ConfirmAsync(client, Uri.UnescapeDataString(message.ResetLink.Split("token=")[1]), NewPassword());
        Assert.Equal(HttpStatusCode.BadRequest, expired.StatusCode);
        using var old = await LoginAsync(client, user.UserName, user.Password);
        Assert.Equal(HttpStatusCode.OK, old.StatusCode);
    }

    [Fact]
    public async Task Requests_are_limited_per_account_for_known_and_unknown_names()
    {
        var user = await CreateUserAsync(fixture.IdentityServices);
        var ghost = "ghost-" + Guid.NewGuid().ToString("N")[..10];
        foreach (var name in new[] { user.UserName, ghost })
        {
            var statuses = new List<HttpStatusCode>();
            for (var i = 0; i < 4; i++)
            {
                // A fresh address each time: only the per-account limit (3 an hour) applies.
                using var client = fixture.CreateClient(clientIp: NextIp());
                using var response = await RequestAsync(client, name);
                statuses.Add(response.StatusCode);
                if (response.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    Assert.InRange(response.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromMinutes(50), TimeSpan.FromMinutes(60));
                }
            }

            Assert.Equal([HttpStatusCode.Accepted, HttpStatusCode.Accepted, HttpStatusCode.Accepted, HttpStatusCode.TooManyRequests], statuses);
        }
    }
}
