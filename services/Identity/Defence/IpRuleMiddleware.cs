using WakeDock.Identity.Model;

namespace WakeDock.Identity.Defence;

/// <summary>
/// Answers 403 to a client address an IP rule blocks (after forwarded headers, so it is the real
/// client). Health endpoints stay reachable so a block can never make the service look dead.
/// </summary>
public sealed class IpRuleMiddleware(RequestDelegate next, IpRuleCache rules, SecurityEvents events)
{
    private static readonly TimeSpan EventThrottle = TimeSpan.FromMinutes(1);

    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var address = context.Connection.RemoteIpAddress;
        if (address is null || IsHealthProbe(context.Request.Path))
        {
            await next(context);
            return;
        }

        var (verdict, ruleId) = await rules.EvaluateAsync(address, context.RequestAborted);
        if (verdict != IpVerdict.Blocked)
        {
            await next(context);
            return;
        }

        var client = ClientInfo.From(context);
        // Throttled: a blocked client hammering the API must not flood the events table.
        await events.RecordThrottledAsync(
            SecurityEventTypes.BlockedIpRejected,
            client.IpAddress,
            EventThrottle,
            client,
            details: new { ruleId, path = context.Request.Path.Value });

        await Results.Problem(
            statusCode: StatusCodes.Status403Forbidden,
            title: "Forbidden",
            detail: "Requests from your address are blocked.").ExecuteAsync(context);
    }

    private static bool IsHealthProbe(PathString path)
        => path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase)
            || path.StartsWithSegments("/alive", StringComparison.OrdinalIgnoreCase);
}
