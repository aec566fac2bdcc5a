using Microsoft.AspNetCore.Mvc;

namespace WakeDock.ServiceDefaults.RateLimiting;

public static class RateLimitingExtensions
{
    /// <summary>Registers <see cref="IDistributedRateLimiter"/> on the shared Redis (needs <c>AddRedisClient</c>).</summary>
    public static IServiceCollection AddDistributedRateLimiter(this IServiceCollection services)
        => services.AddSingleton<IDistributedRateLimiter, RedisRateLimiter>();

    /// <summary>A refusal as <c>429</c> <c>application/problem+json</c> with <c>Retry-After</c>.</summary>
    public static IResult ToTooManyRequests(this RateLimitDecision decision, string? detail = null)
    {
        ArgumentNullException.ThrowIfNull(decision);
        return new TooManyRequestsResult(decision.RetryAfterSeconds, detail);
    }

    /// <summary>Writes the same 429 from middleware (outside an endpoint).</summary>
    public static Task WriteTooManyRequestsAsync(this HttpContext context, RateLimitDecision decision, string? detail = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        return decision.ToTooManyRequests(detail).ExecuteAsync(context);
    }

    private sealed class TooManyRequestsResult(int retryAfterSeconds, string? detail) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var problem = new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests",
                Type = "https://tools.ietf.org/html/rfc6585#section-4",
                Detail = detail ?? $"Try again in {retryAfterSeconds} s.",
            };
            problem.Extensions["retryAfter"] = retryAfterSeconds;
            return TypedResults.Problem(problem).ExecuteAsync(httpContext);
        }
    }
}
