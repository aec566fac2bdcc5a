using System.Net;
using WakeDock.ServiceDefaults.Security;

namespace WakeDock.Containers.Services;

/// <summary>Who changes a service: from the caller's <c>sub</c>, <c>name</c> and <c>role</c> claims, and where the request came from.</summary>
public sealed record Actor(Guid? Id, string Name, string? Role, string? IpAddress)
{
    public bool IsAdmin => Roles.Includes(Role, Roles.Admin);

    public static Actor From(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var user = context.User;
        var name = user.FindFirst(WakeDockClaims.Name)?.Value;
        return new Actor(
            Guid.TryParse(user.FindFirst(WakeDockClaims.Subject)?.Value, out var id) ? id : null,
            string.IsNullOrEmpty(name) ? "unknown" : name[..Math.Min(name.Length, 64)],
            user.FindFirst(WakeDockClaims.Role)?.Value,
            ClientAddress(context));
    }

    /// <summary>
    /// The client's address. Requests arrive through the Gateway on loopback, which appends the
    /// client to <c>X-Forwarded-For</c>: trust its last entry only from a loopback peer.
    /// </summary>
    private static string? ClientAddress(HttpContext context)
    {
        var remote = context.Connection.RemoteIpAddress;
        if (remote is not null && IPAddress.IsLoopback(remote))
        {
            var forwarded = context.Request.Headers["X-Forwarded-For"].ToString();
            var last = forwarded.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
            if (last is not null && IPAddress.TryParse(last, out var client))
            {
                return client.ToString();
            }
        }

        return remote?.ToString();
    }
}
