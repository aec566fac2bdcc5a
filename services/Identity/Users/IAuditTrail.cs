using System.Security.Claims;

namespace WakeDock.Identity.Users;

/// <summary>Records administrative actions: who (from the caller's claims), what, which target, from where.</summary>
public interface IAuditTrail
{
    Task RecordAsync(
        ClaimsPrincipal actor,
        string action,
        string targetType,
        string? targetId,
        string? ipAddress,
        object? details = null,
        CancellationToken cancellationToken = default);
}
