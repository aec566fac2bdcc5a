namespace WakeDock.ServiceDefaults.RateLimiting;

/// <summary>At most <paramref name="Permits"/> acquisitions per sliding <paramref name="Window"/>.</summary>
public sealed record RateLimitQuota(int Permits, TimeSpan Window)
{
    /// <summary>A quota that never refuses (permits ≤ 0 or an empty window switch a limit off).</summary>
    public bool IsUnlimited => Permits <= 0 || Window <= TimeSpan.Zero;
}

/// <summary>The answer to one acquisition: allowed, what is left, and when to retry when refused.</summary>
public sealed record RateLimitDecision(bool Allowed, int Remaining, TimeSpan RetryAfter)
{
    public static RateLimitDecision Allow(int remaining) => new(true, remaining, TimeSpan.Zero);

    /// <summary><c>Retry-After</c> in whole seconds, at least 1 (the header has no fractions).</summary>
    public int RetryAfterSeconds => Allowed ? 0 : Math.Max(1, (int)Math.Ceiling(RetryAfter.TotalSeconds));
}

/// <summary>A rate limiter whose counts are shared by every replica of every service.</summary>
public interface IDistributedRateLimiter
{
    /// <summary>Takes one permit from <paramref name="key"/>'s window, or says how long until one frees up.</summary>
    Task<RateLimitDecision> TryAcquireAsync(string key, RateLimitQuota quota, CancellationToken cancellationToken = default);

    /// <summary>Forgets <paramref name="key"/>'s window (e.g. after a successful sign-in).</summary>
    Task ResetAsync(string key, CancellationToken cancellationToken = default);
}
