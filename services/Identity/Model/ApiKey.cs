namespace WakeDock.Identity.Model;

/// <summary>
/// A key for automation, shown once as <c>wdk_&lt;prefix&gt;_&lt;secret&gt;</c> and stored as a
/// SHA-256 hash (the secret is 256 random bits, so a fast hash is safe). Scoped to a role no
/// higher than its creator's.
/// </summary>
public sealed class ApiKey
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid UserId { get; set; }

    public required string Name { get; set; }

    /// <summary>The public part shown in lists, e.g. <c>wdk_3f9a1c2e</c>.</summary>
    public required string Prefix { get; set; }

    public required string KeyHash { get; set; }

    public required string Role { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? ExpiresAt { get; set; }

    public DateTimeOffset? LastUsedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }
}
