using System.Net;
using Microsoft.EntityFrameworkCore;
using StackExchange.Redis;
using WakeDock.Identity.Infrastructure;
using WakeDock.Identity.Model;

namespace WakeDock.Identity.Defence;

public enum IpVerdict
{
    None,
    Allowed,
    Blocked,
}

/// <summary>
/// The IP rules in memory, so the per-request check costs no query. Reloaded after
/// <see cref="RefreshInterval"/> at the latest, and at once when any replica changes a rule
/// (Redis pub/sub). Expiry is checked per request, so an expired block ends on time.
/// </summary>
public sealed partial class IpRuleCache(
    IServiceScopeFactory scopes,
    IConnectionMultiplexer redis,
    TimeProvider time,
    ILogger<IpRuleCache> logger) : IHostedService, IDisposable
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(10);

    private static readonly RedisChannel Changed = RedisChannel.Literal("wakedock:identity:ip-rules:changed");

    private readonly SemaphoreSlim reloading = new(1, 1);
    private volatile Snapshot? snapshot;
    private volatile bool stale = true;

    private sealed record Rule(Guid Id, IpRange Range, string Kind, DateTimeOffset? ExpiresAt);

    private sealed record Snapshot(IReadOnlyList<Rule> Rules, DateTimeOffset LoadedAt);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await redis.GetSubscriber().SubscribeAsync(Changed, (_, _) => stale = true);
        }
        catch (RedisException exception)
        {
            // The periodic reload still picks changes up, only later.
            LogSubscribeFailed(logger, exception);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => reloading.Dispose();

    /// <summary>Allow wins over block; only rules that have not expired count.</summary>
    public async ValueTask<(IpVerdict Verdict, Guid? RuleId)> EvaluateAsync(IPAddress address, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        var rules = await CurrentAsync(cancellationToken);
        var now = time.GetUtcNow();
        address = IpRange.Normalize(address);
        Rule? block = null;
        foreach (var rule in rules)
        {
            if ((rule.ExpiresAt is { } expires && expires <= now) || !rule.Range.Contains(address))
            {
                continue;
            }

            if (rule.Kind == IpRuleKinds.Allow)
            {
                return (IpVerdict.Allowed, rule.Id);
            }

            block ??= rule;
        }

        return block is null ? (IpVerdict.None, null) : (IpVerdict.Blocked, block.Id);
    }

    /// <summary>Marks this replica's copy stale and tells the others to reload.</summary>
    public async Task InvalidateAsync()
    {
        stale = true;
        try
        {
            await redis.GetSubscriber().PublishAsync(Changed, "changed");
        }
        catch (RedisException exception)
        {
            LogSubscribeFailed(logger, exception);
        }
    }

    private async ValueTask<IReadOnlyList<Rule>> CurrentAsync(CancellationToken cancellationToken)
    {
        var current = snapshot;
        if (current is not null && !stale && current.LoadedAt + RefreshInterval > time.GetUtcNow())
        {
            return current.Rules;
        }

        // One reload at a time; meanwhile the others use the previous copy when there is one.
        if (current is not null && !await reloading.WaitAsync(0, cancellationToken))
        {
            return current.Rules;
        }

        if (current is null)
        {
            await reloading.WaitAsync(cancellationToken);
        }

        try
        {
            if (snapshot is { } fresh && fresh != current && !stale)
            {
                return fresh.Rules;
            }

            stale = false;
            var loadedAt = time.GetUtcNow();
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<IdentityDbContext>();
            var rows = await db.IpRules.AsNoTracking()
                .Where(r => r.ExpiresAt == null || r.ExpiresAt > loadedAt)
                .Select(r => new { r.Id, r.Range, r.Kind, r.ExpiresAt })
                .ToListAsync(cancellationToken);
            var rules = new List<Rule>(rows.Count);
            foreach (var row in rows)
            {
                if (IpRange.TryParse(row.Range, out var range, out _))
                {
                    rules.Add(new Rule(row.Id, range, row.Kind, row.ExpiresAt));
                }
            }

            snapshot = new Snapshot(rules, loadedAt);
            return rules;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Fail open on a database outage: keep the last known rules (or none), retry in a second.
            var rules = current?.Rules ?? [];
            snapshot = new Snapshot(rules, time.GetUtcNow() - RefreshInterval + TimeSpan.FromSeconds(1));
            LogReloadFailed(logger, exception);
            return rules;
        }
        finally
        {
            reloading.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "IP rule change notifications are unavailable (Redis)")]
    private static partial void LogSubscribeFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not load the IP rules; using the last known set")]
    private static partial void LogReloadFailed(ILogger logger, Exception exception);
}

public static class IpRuleKinds
{
    public const string Block = "block";
    public const string Allow = "allow";

    public static bool IsValid(string? kind) => kind is Block or Allow;
}
