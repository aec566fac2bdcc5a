namespace WakeDock.Identity.Model;

/// <summary>A person (or robot owner) who can sign in.</summary>
public sealed class User
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    /// <summary>Stored lower-case; unique.</summary>
    public required string UserName { get; set; }

    /// <summary>Stored lower-case; unique when set.</summary>
    public string? Email { get; set; }

    public string? DisplayName { get; set; }

    /// <summary>ASP.NET Core Identity's PBKDF2 hash format (v3).</summary>
    public required string PasswordHash { get; set; }

    public required string Role { get; set; }

    public bool IsEnabled { get; set; } = true;

    /// <summary>Failed sign-ins since the last success; drives the lockout delay.</summary>
    public int FailedSignInCount { get; set; }

    public DateTimeOffset? LockedUntil { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset PasswordChangedAt { get; set; }

    public DateTimeOffset? LastSignInAt { get; set; }
}
