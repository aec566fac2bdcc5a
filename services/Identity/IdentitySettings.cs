namespace WakeDock.Identity;

/// <summary>Everything tunable about Identity, bound from the <c>Identity</c> configuration section.</summary>
public sealed class IdentitySettings
{
    public const string Section = "Identity";

    /// <summary>The <c>iss</c> of every access token.</summary>
    public string Issuer { get; set; } = "wakedock";

    /// <summary>The <c>aud</c> of every access token.</summary>
    public string Audience { get; set; } = "wakedock-api";

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(10);

    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(14);

    /// <summary>A session not refreshed for this long ends.</summary>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromHours(8);

    /// <summary>A session ends this long after sign-in, however active.</summary>
    public TimeSpan SessionAbsoluteLifetime { get; set; } = TimeSpan.FromDays(14);

    /// <summary>The active signing key is replaced when it is older than this.</summary>
    public TimeSpan SigningKeyRotationInterval { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// Secret that encrypts the signing keys' private halves at rest (AES-GCM). Required; the
    /// AppHost generates it as the <c>identity-key-secret</c> parameter.
    /// </summary>
    public string? KeyEncryptionSecret { get; set; }

    public BootstrapAdminSettings BootstrapAdmin { get; set; } = new();

    public PasswordPolicySettings Passwords { get; set; } = new();

    public LockoutSettings Lockout { get; set; } = new();

    public RateLimitSettings RateLimits { get; set; } = new();

    public AutoBlockSettings AutoBlock { get; set; } = new();

    public PasswordResetSettings PasswordReset { get; set; } = new();
}

/// <summary>The first administrator, created only when no user exists. There is no default password.</summary>
public sealed class BootstrapAdminSettings
{
    public string UserName { get; set; } = "admin";

    public string? Email { get; set; }

    /// <summary>From the AppHost's <c>admin-password</c> parameter or configuration; never a default.</summary>
    public string? Password { get; set; }
}

public sealed class PasswordPolicySettings
{
    public int MinLength { get; set; } = 12;

    public int MaxLength { get; set; } = 128;
}

/// <summary>After <see cref="Threshold"/> failures an account is locked for BaseDelay × 2^(failures − Threshold), capped.</summary>
public sealed class LockoutSettings
{
    public int Threshold { get; set; } = 5;

    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMinutes(1);

    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>A limit of <see cref="Permits"/> requests per <see cref="Window"/>.</summary>
public sealed class RateLimitRule
{
    public int Permits { get; set; }

    public TimeSpan Window { get; set; }
}

public sealed class RateLimitSettings
{
    public RateLimitRule LoginPerIp { get; set; } = new() { Permits = 20, Window = TimeSpan.FromMinutes(1) };

    public RateLimitRule LoginPerAccount { get; set; } = new() { Permits = 10, Window = TimeSpan.FromMinutes(1) };

    public RateLimitRule RefreshPerIp { get; set; } = new() { Permits = 60, Window = TimeSpan.FromMinutes(1) };

    /// <summary>Per account (the refresh token's user), whichever addresses the refreshes come from.</summary>
    public RateLimitRule RefreshPerAccount { get; set; } = new() { Permits = 30, Window = TimeSpan.FromMinutes(1) };

    public RateLimitRule PasswordResetPerIp { get; set; } = new() { Permits = 5, Window = TimeSpan.FromMinutes(15) };

    public RateLimitRule PasswordResetPerAccount { get; set; } = new() { Permits = 3, Window = TimeSpan.FromHours(1) };
}

/// <summary>Blocks an address automatically after too many failed sign-ins from it.</summary>
public sealed class AutoBlockSettings
{
    public bool Enabled { get; set; } = true;

    public int FailedSignIns { get; set; } = 30;

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(10);

    public TimeSpan BlockFor { get; set; } = TimeSpan.FromHours(1);
}

public sealed class PasswordResetSettings
{
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The link sent to the user; <c>{token}</c> is replaced.</summary>
    public string LinkTemplate { get; set; } = "/reset-password?token={token}";
}
