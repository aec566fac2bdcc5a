using WakeDock.Identity.Defence;
using WakeDock.Identity.Model;
using WakeDock.ServiceDefaults.RateLimiting;

namespace WakeDock.Identity.SignIn;

/// <summary>
/// The per-address limit on <c>POST /api/v1/auth/refresh</c>. A middleware keyed on the path,
/// because the endpoint belongs to the token area; it runs before the endpoint does any work.
/// </summary>
public sealed class RefreshRateLimitMiddleware(
    RequestDelegate next,
    IDistributedRateLimiter limiter,
    SecurityEvents events,
    IdentitySettings settings)
{
    public const string Path = "/api/v1/auth/refresh";

    public static bool Applies(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return HttpMethods.IsPost(context.Request.Method)
            && context.Request.Path.Equals(Path, StringComparison.OrdinalIgnoreCase);
    }

    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var client = ClientInfo.From(context);
        var key = $"identity:refresh:ip:{client.IpAddress}";
        var rule = settings.RateLimits.RefreshPerIp;
        var decision = await limiter.TryAcquireAsync(key, new RateLimitQuota(rule.Permits, rule.Window), context.RequestAborted);
        if (decision.Allowed)
        {
            await next(context);
            return;
        }

        await events.RecordThrottledAsync(
            SecurityEventTypes.RateLimited,
            key,
            TimeSpan.FromMinutes(1),
            client,
            details: new { endpoint = "refresh", scope = "ip", retryAfterSeconds = decision.RetryAfterSeconds });
        await context.WriteTooManyRequestsAsync(decision);
    }
}
