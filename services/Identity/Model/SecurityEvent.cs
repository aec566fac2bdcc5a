namespace WakeDock.Identity.Model;

/// <summary>Something security-relevant that happened; stored and published as <c>SecurityEventRecorded</c>.</summary>
public sealed class SecurityEvent
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    /// <summary>One of <see cref="SecurityEventTypes"/>.</summary>
    public required string Type { get; set; }

    public DateTimeOffset OccurredAt { get; set; }

    public Guid? UserId { get; set; }

    /// <summary>The account name as given (also for unknown accounts), for failed sign-ins.</summary>
    public string? UserName { get; set; }

    public string? IpAddress { get; set; }

    public string? UserAgent { get; set; }

    /// <summary>Free-form details as JSON (never a password or token).</summary>
    public string? Details { get; set; }
}

public static class SecurityEventTypes
{
    public const string SignInSucceeded = "sign-in-succeeded";
    public const string SignInFailed = "sign-in-failed";
    public const string AccountLockedOut = "account-locked-out";
    public const string RefreshTokenReused = "refresh-token-reused";
    public const string PasswordResetRequested = "password-reset-requested";
    public const string PasswordResetCompleted = "password-reset-completed";
    public const string PasswordChanged = "password-changed";
    public const string RoleChanged = "role-changed";
    public const string ApiKeyCreated = "api-key-created";
    public const string ApiKeyRevoked = "api-key-revoked";
    public const string IpBlocked = "ip-blocked";
    public const string BlockedIpRejected = "blocked-ip-rejected";
    public const string RateLimited = "rate-limited";
    public const string SigningKeyRotated = "signing-key-rotated";
}
