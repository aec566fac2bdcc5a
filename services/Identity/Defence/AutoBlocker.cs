using System.Net;
using StackExchange.Redis;
using ClientInfo = WakeDock.Identity.Model.ClientInfo;
using WakeDock.Identity.Infrastructure;
using WakeDock.Identity.Model;
using WakeDock.ServiceDefaults.RateLimiting;

namespace WakeDock.Identity.Defence;

/// <summary>
/// Counts failed sign-ins per client address (in Redis, shared by replicas) and blocks an address
/// for <see cref="AutoBlockSettings.BlockFor"/> once it exceeds <see cref="AutoBlockSettings.FailedSignIns"/>
/// within <see cref="AutoBlockSettings.Window"/>. Loopback is never blocked automatically: it is
/// the Gateway or the host itself, and only an admin rule may block it.
/// </summary>
public sealed partial class AutoBlocker(
    IdentitySettings settings,
    IDistributedRateLimiter limiter,
    IpRuleCache rules,
    SecurityEvents events,
    IConnectionMultiplexer redis,
    IServiceScopeFactory scopes,
    TimeProvider time,
    ILogger<AutoBlocker> logger)
{
    public async Task OnFailedSignInAsync(ClientInfo client)
    {
        ArgumentNullException.ThrowIfNull(client);
        var options = settings.AutoBlock;
        if (!options.Enabled || !IPAddress.TryParse(client.IpAddress, out var address) || IPAddress.IsLoopback(IpRange.Normalize(address)))
        {
            return;
        }

        var ip = IpRange.Normalize(address).ToString();
        var counter = $"identity:failed-sign-ins:ip:{ip}";
        var decision = await limiter.TryAcquireAsync(counter, new RateLimitQuota(options.FailedSignIns, options.Window));
        if (decision.Allowed)
        {
            return;
        }

        // Concurrent failures past the limit create one rule, not many.
        try
        {
            if (!await redis.GetDatabase().StringSetAsync($"wakedock:identity:auto-block:{ip}", 1, TimeSpan.FromSeconds(30), When.NotExists))
            {
                return;
            }
        }
        catch (RedisException)
        {
            return;
        }

        var (verdict, _) = await rules.EvaluateAsync(address);
        if (verdict != IpVerdict.None)
        {
            return;
        }

        var now = time.GetUtcNow();
        var rule = new IpRule
        {
            Range = ip,
            Kind = IpRuleKinds.Block,
            Reason = $"more than {options.FailedSignIns} failed sign-ins within {options.Window}",
            CreatedAt = now,
            ExpiresAt = now + options.BlockFor,
            CreatedBy = "system",
        };
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<IdentityDbContext>();
            db.IpRules.Add(rule);
            await db.SaveChangesAsync(CancellationToken.None);
        }

        await rules.InvalidateAsync();
        // The count starts again once the block ends.
        await limiter.ResetAsync(counter);
        LogBlocked(logger, ip, rule.ExpiresAt.Value);
        await events.RecordAsync(
            SecurityEventTypes.IpBlocked,
            client,
            details: new { ruleId = rule.Id, range = rule.Range, createdBy = rule.CreatedBy, expiresAt = rule.ExpiresAt, reason = rule.Reason });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Blocked {IpAddress} until {ExpiresAt} after repeated failed sign-ins")]
    private static partial void LogBlocked(ILogger logger, string ipAddress, DateTimeOffset expiresAt);
}
