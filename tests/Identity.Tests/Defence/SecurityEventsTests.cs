using WakeDock.Contracts.Identity;
using WakeDock.Identity.Model;
using static WakeDock.Identity.Tests.Defence.DefenceTestSupport;

namespace WakeDock.Identity.Tests.Defence;

/// <summary>Security events: stored, listed with filters for admins, published as SecurityEventRecorded.</summary>
public sealed class SecurityEventsTests(IdentityFixture fixture, BusProbe bus) : IClassFixture<BusProbe>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Events_are_listed_with_filters_newest_first_and_published_on_the_bus()
    {
        var user = await CreateUserAsync(fixture.IdentityServices);
        var ip = NextIp();
        using var client = fixture.CreateClient(clientIp: ip);
        var wrongPassword = NewPassword();
        var start = DateTimeOffset.UtcNow.AddSeconds(-1);
        (await LoginAsync(client, user.UserName, wrongPassword)).Dispose();
        (await LoginAsync(client, user.UserName, user.Password)).Dispose();

        using var admin = fixture.CreateClient(bearerToken: await AdminTokenAsync(fixture), clientIp: NextIp());
        var all = await admin.GetFromJsonAsync<JsonElement[]>($"/api/v1/security/events?ip={ip}", Cancellation);
        Assert.NotNull(all);
        Assert.Equal([SecurityEventTypes.SignInSucceeded, SecurityEventTypes.SignInFailed], all.Select(e => e.GetProperty("type").GetString()));
        Assert.All(all, e => Assert.Equal(user.Id, e.GetProperty("userId").GetGuid()));
        Assert.Equal("wrong-password", all[1].GetProperty("details").GetProperty("reason").GetString());
        Assert.DoesNotContain(wrongPassword, JsonSerializer.Serialize(all), StringComparison.Ordinal);

        var failed = await admin.GetFromJsonAsync<JsonElement[]>(
            $"/api/v1/security/events?type={SecurityEventTypes.SignInFailed}&userName={user.UserName.ToUpperInvariant()}", Cancellation);
        var only = Assert.Single(failed!);
        Assert.Equal(ip, only.GetProperty("ipAddress").GetString());

        var byUser = await admin.GetFromJsonAsync<JsonElement[]>($"/api/v1/security/events?userId={user.Id}&limit=1", Cancellation);
        Assert.Equal(SecurityEventTypes.SignInSucceeded, Assert.Single(byUser!).GetProperty("type").GetString());

        var from = Uri.EscapeDataString(start.ToString("O"));
        var to = Uri.EscapeDataString(start.AddMilliseconds(1).ToString("O"));
        var none = await admin.GetFromJsonAsync<JsonElement[]>($"/api/v1/security/events?ip={ip}&from={from}&to={to}", Cancellation);
        Assert.Empty(none!);
        var since = await admin.GetFromJsonAsync<JsonElement[]>($"/api/v1/security/events?ip={ip}&from={from}", Cancellation);
        Assert.Equal(2, since!.Length);

        var published = await bus.WaitForAsync<SecurityEventRecorded>(m => m.UserId == user.Id && m.Type == SecurityEventTypes.SignInFailed);
        Assert.NotNull(published);
        Assert.Equal(ip, published.IpAddress);
        Assert.Equal(user.UserName, published.UserName);
        Assert.Equal(all[1].GetProperty("id").GetGuid(), published.EventId);
        Assert.DoesNotContain(wrongPassword, published.Details ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_filters_are_refused()
    {
        using var admin = fixture.CreateClient(bearerToken: await AdminTokenAsync(fixture), clientIp: NextIp());
        foreach (var query in new[] { "limit=501", "limit=0", "ip=nope", "from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z" })
        {
            using var response = await admin.GetAsync($"/api/v1/security/events?{query}", Cancellation);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }

        using var max = await admin.GetAsync("/api/v1/security/events?limit=500", Cancellation);
        Assert.Equal(HttpStatusCode.OK, max.StatusCode);
    }

    [Fact]
    public async Task A_broker_outage_neither_fails_sign_in_nor_loses_the_event()
    {
        // This Identity's broker address points at a closed port: the bus never connects.
        var (identity, services) = fixture.StartIdentity(new Dictionary<string, string?>
        {
            ["ConnectionStrings:rabbitmq"] = "amqp://guest:guest@127.0.0.1:9/",
        });
        var user = await CreateUserAsync(services);
        var ip = NextIp();
        using var client = fixture.CreateClient(identity, clientIp: ip);

        var watch = System.Diagnostics.Stopwatch.StartNew();
        using (var failure = await LoginAsync(client, user.UserName, NewPassword()))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, failure.StatusCode);
        }

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
        Assert.Single(await QueryAsync(services, db => db.SecurityEvents.Where(e => e.IpAddress == ip && e.Type == SecurityEventTypes.SignInFailed)));
    }
}
