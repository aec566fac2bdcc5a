using System.Diagnostics;
using WakeDock.Identity.Model;
using static WakeDock.Identity.Tests.Defence.DefenceTestSupport;

namespace WakeDock.Identity.Tests.Defence;

/// <summary>POST /api/v1/auth/login: success, one generic failure, lockout with a growing delay, timing.</summary>
public sealed class SignInTests(IdentityFixture fixture)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Login_through_the_gateway_answers_tokens_and_records_the_event()
    {
        var user = await CreateUserAsync(fixture.IdentityServices);
        var ip = NextIp();
        using var client = fixture.CreateClient(clientIp: ip);

        using var response = await LoginAsync(client, user.UserName.ToUpperInvariant(), user.Password);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
        Assert.False(string.IsNullOrEmpty(body.GetProperty("accessToken").GetString()));
        Assert.Equal("Bearer", body.GetProperty("tokenType").GetString());
        Assert.InRange(body.GetProperty("expiresIn").GetInt32(), 1, 3600);
        Assert.False(string.IsNullOrEmpty(body.GetProperty("refreshToken").GetString()));
        Assert.True(body.GetProperty("refreshExpiresIn").GetInt32() > body.GetProperty("expiresIn").GetInt32());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("sessionId").GetString()));

        var stored = await ReadUserAsync(fixture.IdentityServices, user.Id);
        Assert.NotNull(stored.LastSignInAt);
        var events = await QueryAsync(fixture.IdentityServices, db => db.SecurityEvents.Where(e => e.UserId == user.Id));
        var succeeded = Assert.Single(events, e => e.Type == SecurityEventTypes.SignInSucceeded);
        Assert.Equal(ip, succeeded.IpAddress);
    }

    [Fact]
    public async Task Login_by_email_works()
    {
        var user = await CreateUserAsync(fixture.IdentityServices);
        using var client = fixture.CreateClient(fixture.Identity, clientIp: NextIp());
        using var response = await LoginAsync(client, user.Email!, user.Password);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var alias = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = user.Password }, Cancellation);
        Assert.Equal(HttpStatusCode.OK, alias.StatusCode);
    }

    [Fact]
    public async Task Every_failure_kind_answers_the_same_401()
    {
        var known = await CreateUserAsync(fixture.IdentityServices);
        var disabled = await CreateUserAsync(fixture.IdentityServices, enabled: false);
        using var client = fixture.CreateClient(clientIp: NextIp());

        using var unknown = await LoginAsync(client, "nobody-" + Guid.NewGuid().ToString("N")[..8], NewPassword());
        using var wrong = await LoginAsync(client, known.UserName, NewPassword());
        using var off = await LoginAsync(client, disabled.UserName, disabled.Password);

        foreach (var response in new[] { unknown, wrong, off })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        var bodies = new[] { await StableProblemAsync(unknown), await StableProblemAsync(wrong), await StableProblemAsync(off) };
        Assert.Single(bodies.Distinct());
        Assert.Contains("Invalid user name or password", bodies[0], StringComparison.Ordinal);

        // The reason is only in the (admin-only) security events, never a password.
        var events = await QueryAsync(fixture.IdentityServices, db => db.SecurityEvents
            .Where(e => e.Type == SecurityEventTypes.SignInFailed && (e.UserId == known.Id || e.UserId == disabled.Id)));
        Assert.Contains(events, e => e.UserId == known.Id && e.Details!.Contains("wrong-password", StringComparison.Ordinal));
        Assert.Contains(events, e => e.UserId == disabled.Id && e.Details!.Contains("disabled", StringComparison.Ordinal));
        Assert.DoesNotContain(events, e => e.Details!.Contains(disabled.Password, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Missing_credentials_are_a_validation_problem()
    {
        using var client = fixture.CreateClient(fixture.Identity, clientIp: NextIp());
        using var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { userName = "admin" }, Cancellation);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Brute_force_locks_the_account_with_a_doubling_delay()
    {
        var user = await CreateUserAsync(fixture.IdentityServices);
        using var client = fixture.CreateClient(fixture.Identity, clientIp: NextIp());

        for (var i = 1; i <= 4; i++)
        {
            using var failure = await LoginAsync(client, user.UserName, NewPassword());
            Assert.Equal(HttpStatusCode.Unauthorized, failure.StatusCode);
            Assert.Null((await ReadUserAsync(fixture.IdentityServices, user.Id)).LockedUntil);
        }

        // The fifth failure reaches the threshold (5): locked for BaseDelay (1 min).
        var before = DateTimeOffset.UtcNow;
        using (var fifth = await LoginAsync(client, user.UserName, NewPassword()))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, fifth.StatusCode);
        }

        var locked = await ReadUserAsync(fixture.IdentityServices, user.Id);
        Assert.Equal(5, locked.FailedSignInCount);
        Assert.InRange(locked.LockedUntil!.Value, before.AddSeconds(55), DateTimeOffset.UtcNow.AddSeconds(65));

        // While locked even the right password gets the generic 401, and the lock is not extended.
        using (var right = await LoginAsync(client, user.UserName, user.Password))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, right.StatusCode);
            Assert.Contains("Invalid user name or password", await StableProblemAsync(right), StringComparison.Ordinal);
        }

        Assert.Equal(locked.LockedUntil, (await ReadUserAsync(fixture.IdentityServices, user.Id)).LockedUntil);

        // Once the lock ends, each further failure locks for twice as long: 2 min, then 4 min.
        foreach (var minutes in new[] { 2, 4 })
        {
            await UpdateUserAsync(fixture.IdentityServices, user.Id, u => u.LockedUntil = DateTimeOffset.UtcNow.AddSeconds(-1));
            before = DateTimeOffset.UtcNow;
            using var again = await LoginAsync(client, user.UserName, NewPassword());
            Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
            var relocked = await ReadUserAsync(fixture.IdentityServices, user.Id);
            Assert.InRange(relocked.LockedUntil!.Value, before.AddMinutes(minutes).AddSeconds(-5), DateTimeOffset.UtcNow.AddMinutes(minutes).AddSeconds(5));
        }

        var lockEvents = await QueryAsync(fixture.IdentityServices, db => db.SecurityEvents
            .Where(e => e.UserId == user.Id && e.Type == SecurityEventTypes.AccountLockedOut));
        Assert.Equal(3, lockEvents.Count);

        // After the lock, the right password works and resets the counters.
        await UpdateUserAsync(fixture.IdentityServices, user.Id, u => u.LockedUntil = DateTimeOffset.UtcNow.AddSeconds(-1));
        using (var success = await LoginAsync(client, user.UserName, user.Password))
        {
            Assert.Equal(HttpStatusCode.OK, success.StatusCode);
        }

        var reset = await ReadUserAsync(fixture.IdentityServices, user.Id);
        Assert.Equal(0, reset.FailedSignInCount);
        Assert.Null(reset.LockedUntil);
    }

    [Fact]
    public async Task Unknown_accounts_take_as_long_as_wrong_passwords()
    {
        // A separate Identity without limits or blocks, so only the password work is measured.
        var (identity, services) = fixture.StartIdentity(new Dictionary<string, string?>
        {
            ["Identity:RateLimits:LoginPerIp:Permits"] = "0",
            ["Identity:RateLimits:LoginPerAccount:Permits"] = "0",
            ["Identity:AutoBlock:Enabled"] = "false",
            ["Identity:Lockout:Threshold"] = "100000",
        });
        var user = await CreateUserAsync(services);
        using var client = fixture.CreateClient(identity, clientIp: NextIp());

        // Warm up both paths (JIT, connections, the dummy hash).
        for (var i = 0; i < 3; i++)
        {
            (await LoginAsync(client, "ghost-" + i, NewPassword())).Dispose();
            (await LoginAsync(client, user.UserName, NewPassword())).Dispose();
        }

        var unknown = new List<double>();
        var wrong = new List<double>();
        for (var i = 0; i < 20; i++)
        {
            unknown.Add(await TimeAsync(() => LoginAsync(client, "ghost-" + Guid.NewGuid().ToString("N")[..10], NewPassword())));
            wrong.Add(await TimeAsync(() => LoginAsync(client, user.UserName, NewPassword())));
        }

        var ratio = Median(unknown) / Median(wrong);
        Assert.InRange(ratio, 0.5, 2.0);
    }

    private static async Task<double> TimeAsync(Func<Task<HttpResponseMessage>> send)
    {
        var watch = Stopwatch.StartNew();
        using var response = await send();
        watch.Stop();
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        return watch.Elapsed.TotalMilliseconds;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return (sorted[(sorted.Count - 1) / 2] + sorted[sorted.Count / 2]) / 2;
    }
}
