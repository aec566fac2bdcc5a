namespace WakeDock.Contracts.Identity;

/// <summary>A security event Identity stored (sign-in failures, lockouts, token reuse, …), for Monitoring's alerts.</summary>
public sealed record SecurityEventRecorded(
    Guid EventId,
    string Type,
    DateTimeOffset OccurredAt,
    Guid? UserId,
    string? UserName,
    string? IpAddress,
    string? Details);

/// <summary>
/// A password reset was asked for an existing, enabled account. Delivery (email) belongs to
/// notifications; the link is single-use and expires at <paramref name="ExpiresAt"/>.
/// </summary>
public sealed record PasswordResetRequested(
    Guid UserId,
    string UserName,
    string? Email,
    string ResetLink,
    DateTimeOffset ExpiresAt);
