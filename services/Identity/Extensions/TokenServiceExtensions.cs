namespace WakeDock.Identity.Extensions;

/// <summary>Tokens and sessions: signing keys, JWKS, access and refresh tokens, Redis sessions, authentication.</summary>
public static class TokenServiceExtensions
{
    public static IHostApplicationBuilder AddTokenServices(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder;
    }
}
