namespace WakeDock.ServiceDefaults.Security;

/// <summary>The claims in WakeDock access tokens and API-key principals.</summary>
public static class WakeDockClaims
{
    public const string Subject = "sub";
    public const string Name = "name";
    public const string Role = "role";
    public const string SessionId = "sid";
    public const string ApiKeyId = "api_key_id";

    /// <summary>How the caller authenticated: <c>pwd</c> (a session) or <c>api_key</c>.</summary>
    public const string AuthenticationMethod = "amr";
}

/// <summary>Authorization policies every service can name: a role and everything above it.</summary>
public static class WakeDockPolicies
{
    public const string Viewer = "viewer";
    public const string Operator = "operator";
    public const string Admin = "admin";
}
