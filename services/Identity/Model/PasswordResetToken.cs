namespace WakeDock.Identity.Model;

/// <summary>A single-use, short-lived password reset token, stored as a SHA-256 hash.</summary>
public sealed class PasswordResetToken
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid UserId { get; set; }

    public required string TokenHash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? UsedAt { get; set; }
}
