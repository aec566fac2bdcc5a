using System.Security.Claims;
using WakeDock.ServiceDefaults.Security;

namespace WakeDock.Identity.Users;

/// <summary>Who is calling, from the claims of an access token or an API key (see <see cref="WakeDockClaims"/>).</summary>
public sealed record Caller(Guid? UserId, string Name, string? Role, string? SessionId, string? ApiKeyId)
{
    public bool IsAdmin => Roles.Includes(Role, Roles.Admin);

    public static Caller From(ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var subject = principal.FindFirst(WakeDockClaims.Subject)?.Value ?? principal.FindFirst(ClaimTypes.NameIdentifier)?.Value;
        var name = principal.FindFirst(WakeDockClaims.Name)?.Value ?? principal.FindFirst(ClaimTypes.Name)?.Value;
        var role = principal.FindFirst(WakeDockClaims.Role)?.Value ?? principal.FindFirst(ClaimTypes.Role)?.Value;
        return new Caller(
            Guid.TryParse(subject, out var id) ? id : null,
            string.IsNullOrEmpty(name) ? "unknown" : name,
            role,
            principal.FindFirst(WakeDockClaims.SessionId)?.Value,
            principal.FindFirst(WakeDockClaims.ApiKeyId)?.Value);
    }
}
