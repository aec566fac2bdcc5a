using WakeDock.Identity.Model;

namespace WakeDock.Identity.Sessions;

/// <summary>A server-side session as the API shows it.</summary>
public sealed record SessionInfo(
    string SessionId,
    Guid UserId,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastSeenAt,
    DateTimeOffset ExpiresAt,
    string? IpAddress,
    string? UserAgent);

/// <summary>
/// Sessions in Redis (format in <see cref="WakeDock.ServiceDefaults.Security.AuthRedisKeys"/>):
/// idle timeout as the key's TTL, absolute lifetime as a field. Revoking a session also revokes
/// its refresh tokens.
/// </summary>
public interface ISessionStore
{
    Task<SessionInfo> CreateAsync(User user, ClientInfo client, CancellationToken cancellationToken);

    /// <summary>Slides the idle timeout; false when the session is gone or past its absolute lifetime.</summary>
    Task<bool> TouchAsync(string sessionId, CancellationToken cancellationToken);

    Task<SessionInfo?> GetAsync(string sessionId, CancellationToken cancellationToken);

    Task<IReadOnlyList<SessionInfo>> ListForUserAsync(Guid userId, CancellationToken cancellationToken);

    Task<bool> RevokeAsync(string sessionId, string reason, CancellationToken cancellationToken);

    /// <summary>Revokes every session of the user (disable, password change or reset, logout everywhere).</summary>
    Task<int> RevokeAllForUserAsync(Guid userId, string reason, CancellationToken cancellationToken);
}
