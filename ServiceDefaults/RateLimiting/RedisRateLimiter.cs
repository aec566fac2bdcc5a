using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace WakeDock.ServiceDefaults.RateLimiting;

/// <summary>
/// A sliding-window log in a Redis sorted set, checked and updated by one Lua script so that
/// concurrent requests on any replica cannot overshoot the limit. The script reads Redis's own
/// clock, so replicas with skewed clocks still agree on the window.
/// </summary>
public sealed partial class RedisRateLimiter(IConnectionMultiplexer redis, ILogger<RedisRateLimiter> logger) : IDistributedRateLimiter
{
    public const string KeyPrefix = "wakedock:ratelimit:";

    // KEYS[1] the window; ARGV: window (ms), permits, a unique member.
    // Returns {allowed (0/1), remaining, retry-after (ms)}.
    private const string Script = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local window = tonumber(ARGV[1])
        local permits = tonumber(ARGV[2])
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
        local count = redis.call('ZCARD', KEYS[1])
        if count < permits then
          redis.call('ZADD', KEYS[1], now, ARGV[3])
          redis.call('PEXPIRE', KEYS[1], window)
          return {1, permits - count - 1, 0}
        end
        local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
        local retry = tonumber(oldest[2]) + window - now
        if retry < 1 then retry = 1 end
        return {0, 0, retry}
        """;

    public async Task<RateLimitDecision> TryAcquireAsync(string key, RateLimitQuota quota, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(quota);
        if (quota.IsUnlimited)
        {
            return RateLimitDecision.Allow(int.MaxValue);
        }

        try
        {
            var result = (RedisResult[]?)await redis.GetDatabase().ScriptEvaluateAsync(
                Script,
                [RedisKey(key)],
                [(long)Math.Ceiling(quota.Window.TotalMilliseconds), quota.Permits, Guid.NewGuid().ToString("N")]);
            if (result is not { Length: 3 })
            {
                throw new InvalidOperationException("unexpected answer from the rate-limit script");
            }

            return (long)result[0] == 1
                ? RateLimitDecision.Allow((int)(long)result[1])
                : new RateLimitDecision(false, 0, TimeSpan.FromMilliseconds((long)result[2]));
        }
        catch (RedisException exception)
        {
            // Fail open: refusing every request while Redis is down would turn a cache outage into
            // a full outage. Callers that guard secrets keep a durable second line (account lockout).
            LogRedisUnavailable(logger, exception);
            return RateLimitDecision.Allow(0);
        }
    }

    public async Task ResetAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        try
        {
            await redis.GetDatabase().KeyDeleteAsync(RedisKey(key));
        }
        catch (RedisException exception)
        {
            LogRedisUnavailable(logger, exception);
        }
    }

    /// <summary>Long keys (they may carry a user-typed name) are hashed so a key stays small.</summary>
    public static string RedisKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.Length <= 128
            ? KeyPrefix + key
            : KeyPrefix + "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rate limiting is unavailable (Redis); the request is let through")]
    private static partial void LogRedisUnavailable(ILogger logger, Exception exception);
}
