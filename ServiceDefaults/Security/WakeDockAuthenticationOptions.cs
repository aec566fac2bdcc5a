namespace WakeDock.ServiceDefaults.Security;

/// <summary>
/// How a service validates WakeDock credentials, bound from the <c>Authentication</c> section.
/// Issuer and audience must equal what Identity signs with (its <c>Identity:Issuer</c> and
/// <c>Identity:Audience</c>, same defaults).
/// </summary>
public sealed class WakeDockAuthenticationOptions
{
    public const string Section = "Authentication";

    public string Issuer { get; set; } = "wakedock";

    public string Audience { get; set; } = "wakedock-api";

    /// <summary>Identity's key set, resolved through service discovery.</summary>
    public Uri JwksUri { get; set; } = new("http://identity/.well-known/jwks.json");

    /// <summary>How long fetched keys are used before they are fetched again.</summary>
    public TimeSpan JwksRefreshInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The shortest time between two fetches, also when a token names an unknown <c>kid</c> — so a
    /// flood of forged tokens cannot turn into a flood of requests to Identity.
    /// </summary>
    public TimeSpan JwksMinimumRefetchInterval { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>An API key's last-used time is written at most this often per key and process.</summary>
    public TimeSpan ApiKeyLastUsedInterval { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>The scheme names and wire formats of WakeDock authentication.</summary>
public static class WakeDockAuthenticationDefaults
{
    /// <summary>The default scheme: picks <see cref="ApiKeyScheme"/> or <see cref="BearerScheme"/> by header.</summary>
    public const string Scheme = "WakeDock";

    public const string BearerScheme = "Bearer";

    public const string ApiKeyScheme = "ApiKey";

    public const string ApiKeyHeader = "X-Api-Key";

    /// <summary>Every API key starts with this.</summary>
    public const string ApiKeyPrefix = "wdk_";

    /// <summary>The only signing algorithm accepted.</summary>
    public const string Algorithm = "ES256";

    /// <summary>The JWT <c>typ</c> of access tokens (RFC 9068).</summary>
    public const string AccessTokenType = "at+jwt";

    /// <summary>The <c>amr</c> values: a password sign-in (a session) or an API key.</summary>
    public const string PasswordMethod = "pwd";

    public const string ApiKeyMethod = "api_key";
}
