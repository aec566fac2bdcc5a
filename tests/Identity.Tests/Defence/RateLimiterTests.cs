using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;
using WakeDock.ServiceDefaults.RateLimiting;

namespace WakeDock.Identity.Tests.Defence;

/// <summary>The Redis rate limiter against the real Redis of the fixture.</summary>
public sealed class RateLimiterTests(IdentityFixture fixture) : IAsyncLifetime
{
    private ConnectionMultiplexer first = null!;
    private ConnectionMultiplexer second = null!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        first = await ConnectionMultiplexer.ConnectAsync(fixture.RedisConnectionString);
        second = await ConnectionMultiplexer.ConnectAsync(fixture.RedisConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        await first.DisposeAsync();
        await second.DisposeAsync();
    }

    private static RedisRateLimiter Limiter(IConnectionMultiplexer redis) => new(redis, NullLogger<RedisRateLimiter>.Instance);

    private static string Key() => "test:" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task Limit_holds_and_retry_after_is_within_the_window()
    {
        var limiter = Limiter(first);
        var key = Key();
        var quota = new RateLimitQuota(3, TimeSpan.FromSeconds(30));

        var decisions = new List<RateLimitDecision>();
        for (var i = 0; i < 5; i++)
        {
            decisions.Add(await limiter.TryAcquireAsync(key, quota, Cancellation));
        }

        Assert.Equal([true, true, true, false, false], decisions.Select(d => d.Allowed));
        Assert.Equal([2, 1, 0], decisions.Take(3).Select(d => d.Remaining));
        var refused = decisions[3];
        Assert.InRange(refused.RetryAfter, TimeSpan.FromSeconds(25), TimeSpan.FromSeconds(30));
        Assert.InRange(refused.RetryAfterSeconds, 25, 30);
    }

    [Fact]
    public async Task Window_slides_and_permits_come_back()
    {
        var limiter = Limiter(first);
        var key = Key();
        var quota = new RateLimitQuota(2, TimeSpan.FromSeconds(1));
        Assert.True((await limiter.TryAcquireAsync(key, quota, Cancellation)).Allowed);
        Assert.True((await limiter.TryAcquireAsync(key, quota, Cancellation)).Allowed);
        var refused = await limiter.TryAcquireAsync(key, quota, Cancellation);
        Assert.False(refused.Allowed);
        Assert.InRange(refused.RetryAfter, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(1));

        await Task.Delay(refused.RetryAfter + TimeSpan.FromMilliseconds(150), Cancellation);
        Assert.True((await limiter.TryAcquireAsync(key, quota, Cancellation)).Allowed);
    }

    [Fact]
    public async Task Two_limiters_on_separate_connections_share_one_count()
    {
        var key = Key();
        var quota = new RateLimitQuota(4, TimeSpan.FromMinutes(1));
        var a = Limiter(first);
        var b = Limiter(second);

        Assert.True((await a.TryAcquireAsync(key, quota, Cancellation)).Allowed);
        Assert.True((await b.TryAcquireAsync(key, quota, Cancellation)).Allowed);
        Assert.True((await a.TryAcquireAsync(key, quota, Cancellation)).Allowed);
        Assert.True((await b.TryAcquireAsync(key, quota, Cancellation)).Allowed);
        Assert.False((await a.TryAcquireAsync(key, quota, Cancellation)).Allowed);
        Assert.False((await b.TryAcquireAsync(key, quota, Cancellation)).Allowed);
    }

    [Fact]
    public async Task Concurrent_acquisitions_never_overshoot()
    {
        var key = Key();
        var quota = new RateLimitQuota(7, TimeSpan.FromMinutes(1));
        var limiters = new[] { Limiter(first), Limiter(second) };
        var decisions = await Task.WhenAll(Enumerable.Range(0, 40)
            .Select(i => limiters[i % 2].TryAcquireAsync(key, quota, Cancellation)));
        Assert.Equal(7, decisions.Count(d => d.Allowed));
    }

    [Fact]
    public async Task Reset_forgets_the_window_and_unlimited_quotas_never_refuse()
    {
        var limiter = Limiter(first);
        var key = Key();
        var quota = new RateLimitQuota(1, TimeSpan.FromMinutes(1));
        Assert.True((await limiter.TryAcquireAsync(key, quota, Cancellation)).Allowed);
        Assert.False((await limiter.TryAcquireAsync(key, quota, Cancellation)).Allowed);
        await limiter.ResetAsync(key, Cancellation);
        Assert.True((await limiter.TryAcquireAsync(key, quota, Cancellation)).Allowed);

        var off = new RateLimitQuota(0, TimeSpan.FromMinutes(1));
        for (var i = 0; i < 5; i++)
        {
            Assert.True((await limiter.TryAcquireAsync(key, off, Cancellation)).Allowed);
        }
    }

    [Fact]
    public async Task Long_keys_are_hashed_and_stay_distinct()
    {
        var limiter = Limiter(first);
        var stem = new string('x', 300);
        var quota = new RateLimitQuota(1, TimeSpan.FromMinutes(1));
        Assert.True((await limiter.TryAcquireAsync(stem + Guid.NewGuid(), quota, Cancellation)).Allowed);
        Assert.True((await limiter.TryAcquireAsync(stem + Guid.NewGuid(), quota, Cancellation)).Allowed);
        Assert.True(RedisRateLimiter.RedisKey(stem).Length < 100);
    }

    [Fact]
    public async Task Redis_outage_fails_open()
    {
        var options = ConfigurationOptions.Parse("127.0.0.1:9");
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = 200;
        options.AsyncTimeout = 500;
        await using var dead = await ConnectionMultiplexer.ConnectAsync(options);
        var decision = await Limiter(dead).TryAcquireAsync(Key(), new RateLimitQuota(1, TimeSpan.FromMinutes(1)), Cancellation);
        Assert.True(decision.Allowed);
    }

    [Fact]
    public async Task Refusal_becomes_429_problem_with_retry_after()
    {
        var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Response.Body = new MemoryStream();

        await context.WriteTooManyRequestsAsync(new RateLimitDecision(false, 0, TimeSpan.FromMilliseconds(2300)));

        Assert.Equal(429, context.Response.StatusCode);
        Assert.Equal("3", context.Response.Headers.RetryAfter.ToString());
        Assert.StartsWith("application/problem+json", context.Response.ContentType, StringComparison.Ordinal);
        context.Response.Body.Position = 0;
        var body = await JsonSerializer.DeserializeAsync<JsonElement>(context.Response.Body, cancellationToken: Cancellation);
        Assert.Equal(429, body.GetProperty("status").GetInt32());
        Assert.Equal(3, body.GetProperty("retryAfter").GetInt32());
    }
}
