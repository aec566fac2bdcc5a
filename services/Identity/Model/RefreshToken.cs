namespace WakeDock.Identity.Model;

/// <summary>
/// One opaque refresh token, stored as a SHA-256 hash. Each use replaces it with a new one in
/// the same family; using a replaced token again revokes the whole family (token theft).
/// </summary>
public sealed class RefreshToken
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid FamilyId { get; set; }

    public Guid UserId { get; set; }

    /// <summary>The server-side session (in Redis) this token belongs to.</summary>
    public required string SessionId { get; set; }

    public required string TokenHash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>Set when the token was exchanged for its successor.</summary>
    public DateTimeOffset? UsedAt { get; set; }

    public Guid? ReplacedById { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    public string? RevokedReason { get; set; }
}
