namespace WakeDock.ServiceDefaults.Security;

/// <summary>
/// The Redis keys Identity writes and every service's authentication reads. One place, so the
/// writer and the readers cannot drift apart.
/// </summary>
public static class AuthRedisKeys
{
    /// <summary>
    /// A live session: a hash with <c>userId</c>, <c>userName</c>, <c>role</c>, <c>createdAt</c>,
    /// <c>lastSeenAt</c>, <c>expiresAt</c> (absolute), <c>ip</c>, <c>userAgent</c>. Its TTL is the
    /// idle timeout (capped by the absolute lifetime); a missing key means the session is over and
    /// every access token carrying its <c>sid</c> is rejected.
    /// </summary>
    public static string Session(string sessionId) => $"wakedock:auth:session:{sessionId}";

    /// <summary>A set of a user's session ids.</summary>
    public static string UserSessions(Guid userId) => $"wakedock:auth:user-sessions:{userId:N}";

    /// <summary>
    /// An active API key, by the lowercase hex SHA-256 of the whole key: a hash with <c>id</c>,
    /// <c>userId</c>, <c>userName</c>, <c>role</c>, <c>name</c>, <c>expiresAt</c> (ISO 8601 or empty).
    /// Deleted when the key is revoked.
    /// </summary>
    public static string ApiKey(string keyHashHex) => $"wakedock:auth:api-key:{keyHashHex}";

    /// <summary>A hash of API key id → last time it was used (ISO 8601), written by the services that accept it.</summary>
    public const string ApiKeyLastUsed = "wakedock:auth:api-key-last-used";
}
