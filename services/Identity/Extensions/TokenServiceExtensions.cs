using Microsoft.Extensions.Options;
using WakeDock.Identity.Sessions;
using WakeDock.Identity.Tokens;
using WakeDock.ServiceDefaults.Security;

namespace WakeDock.Identity.Extensions;

/// <summary>Tokens and sessions: signing keys, JWKS, access and refresh tokens, Redis sessions, authentication.</summary>
public static class TokenServiceExtensions
{
    public static IHostApplicationBuilder AddTokenServices(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;

        services.AddSingleton<SigningKeyProtector>();
        services.AddSingleton<SigningKeyStore>();
        // Registered after the MigrationRunner: hosted services start in order, this one needs the schema.
        services.AddHostedService<SigningKeyRotationService>();
        services.AddScoped<ISessionStore, RedisSessionStore>();
        services.AddScoped<TokenService>();
        services.AddScoped<ITokenService>(provider => provider.GetRequiredService<TokenService>());

        // Identity validates its own tokens against its key store instead of its JWKS over HTTP,
        // with the issuer and audience it signs with.
        services.AddSingleton<IJwksSource, LocalJwksSource>();
        builder.AddWakeDockAuthentication();
        services.AddOptions<WakeDockAuthenticationOptions>().PostConfigure<IOptions<IdentitySettings>>((auth, identity) =>
        {
            auth.Issuer = identity.Value.Issuer;
            auth.Audience = identity.Value.Audience;
        });
        return builder;
    }
}
