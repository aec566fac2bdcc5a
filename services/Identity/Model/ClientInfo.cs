namespace WakeDock.Identity.Model;

/// <summary>Where a request came from (after forwarded headers), for events, sessions and limits.</summary>
public sealed record ClientInfo(string IpAddress, string? UserAgent)
{
    public static ClientInfo From(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var userAgent = context.Request.Headers.UserAgent.ToString();
        return new ClientInfo(
            context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
            string.IsNullOrEmpty(userAgent) ? null : userAgent[..Math.Min(userAgent.Length, 512)]);
    }
}
