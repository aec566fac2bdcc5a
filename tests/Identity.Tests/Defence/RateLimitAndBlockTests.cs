using WakeDock.Identity.Model;
using static WakeDock.Identity.Tests.Defence.DefenceTestSupport;

namespace WakeDock.Identity.Tests.Defence;

/// <summary>Per-address and per-account limits on login and refresh, and the automatic IP block.</summary>
public sealed class RateLimitAndBlockTests(IdentityFixture fixture)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Login_per_address_limit_answers_429_with_retry_after()
    {
        var (identity, services) = fixture.StartIdentity(new Dictionary<string, string?>
        {
            ["Identity:RateLimits:LoginPerIp:Permits"] = "3",
            ["Identity:RateLimits:LoginPerIp:Window"] = "00:01:00",
        });
        var user = await CreateUserAsync(services);
        var ip = NextIp();
        using var client = fixture.CreateClient(identity, clientIp: ip);

        for (var i = 0; i < 3; i++)
        {
            using var allowed = await LoginAsync(client, user.UserName, NewPassword());
            Assert.Equal(HttpStatusCode.Unauthorized, allowed.StatusCode);
        }

        // Even the right password is refused once the address has used its permits.
        using var refused = await LoginAsync(client, user.UserName, user.Password);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var retryAfter = refused.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));

        // Another address is not affected.
        using var other = fixture.CreateClient(identity, clientIp: NextIp());
        using var fine = await LoginAsync(other, user.UserName, user.Password);
        Assert.Equal(HttpStatusCode.OK, fine.StatusCode);

        Assert.True(await EventuallyAsync(
            async () => (await QueryAsync(services, db => db.SecurityEvents.Where(e => e.Type == SecurityEventTypes.RateLimited && e.IpAddress == ip))).Count == 1,
            TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Login_per_account_limit_applies_across_addresses_and_to_unknown_names_alike()
    {
        var (identity, services) = fixture.StartIdentity(new Dictionary<string, string?>
        {
            ["Identity:RateLimits:LoginPerAccount:Permits"] = "2",
            ["Identity:RateLimits:LoginPerAccount:Window"] = "00:01:00",
        });
        var user = await CreateUserAsync(services);
        var ghost = "ghost-" + Guid.NewGuid().ToString("N")[..10];

        var answers = new Dictionary<string, List<HttpStatusCode>>();
        foreach (var name in new[] { user.UserName, ghost })
        {
            answers[name] = [];
            for (var i = 0; i < 3; i++)
            {
                using var client = fixture.CreateClient(identity, clientIp: NextIp());
                using var response = await LoginAsync(client, name, NewPassword());
                answers[name].Add(response.StatusCode);
            }
        }

        HttpStatusCode[] expected = [HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests];
        Assert.Equal(expected, answers[user.UserName]);
        Assert.Equal(expected, answers[ghost]);
    }

    [Fact]
    public async Task Refresh_is_limited_per_address()
    {
        var (identity, _) = fixture.StartIdentity(new Dictionary<string, string?>
        {
            ["Identity:RateLimits:RefreshPerIp:Permits"] = "2",
        });
        using var client = fixture.CreateClient(identity, clientIp: NextIp());
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = "not-a-token" }, Cancellation);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.NotNull(response.Headers.RetryAfter?.Delta);
            }
        }

        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, statuses.Take(2));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[2]);

        using var other = fixture.CreateClient(identity, clientIp: NextIp());
        using var fine = await other.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = "not-a-token" }, Cancellation);
        Assert.NotEqual(HttpStatusCode.TooManyRequests, fine.StatusCode);
    }

    [Fact]
    public async Task Refresh_is_limited_per_account_across_addresses()
    {
        var (identity, services) = fixture.StartIdentity(new Dictionary<string, string?>
        {
            ["Identity:RateLimits:RefreshPerAccount:Permits"] = "2",
        });
        var user = await CreateUserAsync(services);
        using var signIn = fixture.CreateClient(identity, clientIp: NextIp());
        using var login = await LoginAsync(signIn, user.UserName, user.Password);
        var refreshToken = (await login.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("refreshToken").GetString();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            // A new address each time: only the per-account limit can stop the third.
            using var client = fixture.CreateClient(identity, clientIp: NextIp());
            using var response = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken }, Cancellation);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                refreshToken = (await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("refreshToken").GetString();
            }
            else
            {
                Assert.NotNull(response.Headers.RetryAfter?.Delta);
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task Repeated_failures_from_one_address_block_it_while_others_work()
    {
        var (identity, services) = fixture.StartIdentity(new Dictionary<string, string?>
        {
            ["Identity:AutoBlock:FailedSignIns"] = "3",
            ["Identity:AutoBlock:Window"] = "00:01:00",
            ["Identity:AutoBlock:BlockFor"] = "00:30:00",
        });
        var user = await CreateUserAsync(services);
        var attacker = NextIp();
        using var client = fixture.CreateClient(identity, clientIp: attacker);

        // Three failures are tolerated; the fourth (more than three) blocks the address.
        for (var i = 0; i < 4; i++)
        {
            using var failure = await LoginAsync(client, "ghost-" + i, NewPassword());
            Assert.Equal(HttpStatusCode.Unauthorized, failure.StatusCode);
        }

        using (var blocked = await LoginAsync(client, user.UserName, user.Password))
        {
            Assert.Equal(HttpStatusCode.Forbidden, blocked.StatusCode);
            Assert.Equal("application/problem+json", blocked.Content.Headers.ContentType?.MediaType);
        }

        using (var info = await client.GetAsync("/api/v1/identity/info", Cancellation))
        {
            Assert.Equal(HttpStatusCode.Forbidden, info.StatusCode);
        }

        // Health probes are never blocked.
        using (var alive = await client.GetAsync("/alive", Cancellation))
        {
            Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        }

        using (var health = await client.GetAsync("/health", Cancellation))
        {
            Assert.NotEqual(HttpStatusCode.Forbidden, health.StatusCode);
        }

        using var other = fixture.CreateClient(identity, clientIp: NextIp());
        using (var fine = await LoginAsync(other, user.UserName, user.Password))
        {
            Assert.Equal(HttpStatusCode.OK, fine.StatusCode);
        }

        var rule = Assert.Single(await QueryAsync(services, db => db.IpRules.Where(r => r.Range == attacker)));
        Assert.Equal("block", rule.Kind);
        Assert.Equal("system", rule.CreatedBy);
        Assert.InRange(rule.ExpiresAt!.Value, DateTimeOffset.UtcNow.AddMinutes(29), DateTimeOffset.UtcNow.AddMinutes(31));

        Assert.Single(await QueryAsync(services, db => db.SecurityEvents.Where(e => e.Type == SecurityEventTypes.IpBlocked && e.IpAddress == attacker)));
        Assert.True(await EventuallyAsync(
            async () => (await QueryAsync(services, db => db.SecurityEvents.Where(e => e.Type == SecurityEventTypes.BlockedIpRejected && e.IpAddress == attacker))).Count == 1,
            TimeSpan.FromSeconds(5)));
    }
}
