using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using StackExchange.Redis;

namespace WakeDock.ServiceDefaults.Security;

/// <summary>
/// Authentication every WakeDock service shares: ES256 access tokens checked against Identity's
/// keys and its live sessions in Redis, API keys from Redis, and role policies.
/// </summary>
public static class AuthenticationExtensions
{
    /// <summary>The message of the failure when a token's session no longer exists.</summary>
    public const string SessionEndedMessage = "The session has ended";

    /// <summary>
    /// Adds the <see cref="WakeDockAuthenticationDefaults.Scheme"/> scheme (bearer or API key by
    /// header) and the <see cref="WakeDockPolicies"/>. Needs Redis (<c>AddRedisClient</c>). Keys
    /// come from the registered <see cref="IJwksSource"/>, by default Identity's JWKS over HTTP.
    /// </summary>
    public static IHostApplicationBuilder AddWakeDockAuthentication(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;

        services.AddOptions<WakeDockAuthenticationOptions>().Bind(builder.Configuration.GetSection(WakeDockAuthenticationOptions.Section));
        services.TryAddSingleton(TimeProvider.System);
        // No retries: a fetch runs inside a request, and the last known keys cover a short outage.
#pragma warning disable EXTEXP0001 // Experimental, but the only way to opt one client out of the defaults' handler.
        services.AddHttpClient(HttpJwksSource.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(5))
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        // Identity registers its own key store first; everyone else reads the JWKS over HTTP.
        services.TryAddSingleton<IJwksSource, HttpJwksSource>();
        services.TryAddSingleton<ApiKeyUsageRecorder>();

        services.AddAuthentication(WakeDockAuthenticationDefaults.Scheme)
            .AddPolicyScheme(WakeDockAuthenticationDefaults.Scheme, "Bearer token or API key", options =>
                options.ForwardDefaultSelector = context => ApiKeyAuthenticationHandler.HasApiKey(context.Request)
                    ? WakeDockAuthenticationDefaults.ApiKeyScheme
                    : WakeDockAuthenticationDefaults.BearerScheme)
            .AddJwtBearer(WakeDockAuthenticationDefaults.BearerScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(WakeDockAuthenticationDefaults.ApiKeyScheme, null);

        services.AddOptions<JwtBearerOptions>(WakeDockAuthenticationDefaults.BearerScheme)
            .Configure<IOptions<WakeDockAuthenticationOptions>, IJwksSource>(ConfigureBearer);

        services.AddAuthorizationBuilder()
            .AddPolicy(WakeDockPolicies.Viewer, policy => RequireRole(policy, Roles.Viewer))
            .AddPolicy(WakeDockPolicies.Operator, policy => RequireRole(policy, Roles.Operator))
            .AddPolicy(WakeDockPolicies.Admin, policy => RequireRole(policy, Roles.Admin));
        return builder;
    }

    private static void RequireRole(AuthorizationPolicyBuilder policy, string role)
        => policy.RequireAuthenticatedUser().RequireAssertion(context => Roles.Includes(context.User.FindFirst(WakeDockClaims.Role)?.Value, role));

    private static void ConfigureBearer(JwtBearerOptions options, IOptions<WakeDockAuthenticationOptions> settings, IJwksSource keys)
    {
        var auth = settings.Value;
        // Keep the JWT claim names (sub, role, sid…) instead of the WS-* URIs.
        options.MapInboundClaims = false;
        options.TokenValidationParameters = new TokenValidationParameters
        {
            ValidIssuer = auth.Issuer,
            ValidAudience = auth.Audience,
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateLifetime = true,
            ValidateIssuerSigningKey = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            // ES256 only: no "none", no HS256 keyed with a public key, no RSA downgrade.
            ValidAlgorithms = [WakeDockAuthenticationDefaults.Algorithm],
            ValidTypes = [WakeDockAuthenticationDefaults.AccessTokenType],
            ClockSkew = auth.ClockSkew,
            NameClaimType = WakeDockClaims.Name,
            RoleClaimType = WakeDockClaims.Role,
            // Only the key the token names: a token without a known kid fails.
            TryAllIssuerSigningKeys = false,
            IssuerSigningKeyResolver = (_, _, kid, _) => kid is null ? [] : keys.Current.Where(key => key.KeyId == kid),
        };
        options.Events = new JwtBearerEvents
        {
            OnMessageReceived = context => RefreshKeysAsync(context, keys),
            OnTokenValidated = CheckSessionAsync,
            OnChallenge = async context =>
            {
                context.HandleResponse();
                var failed = context.AuthenticateFailure is not null;
                var description = failed
                    ? context.AuthenticateFailure!.Message == SessionEndedMessage ? SessionEndedMessage : NonEmpty(context.ErrorDescription) ?? "The access token is invalid"
                    : null;
                await AuthProblems.WriteUnauthorizedAsync(
                    context.HttpContext,
                    AuthProblems.BearerChallenge(failed ? "invalid_token" : null, description),
                    description ?? "An access token or API key is required.");
            },
            OnForbidden = context => AuthProblems.WriteForbiddenAsync(context.HttpContext),
        };
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    /// <summary>Before validation (the resolver is synchronous): fetch keys if stale or if the token's kid is new.</summary>
    private static async Task RefreshKeysAsync(MessageReceivedContext context, IJwksSource keys)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        string? kid = null;
        try
        {
            kid = new JsonWebToken(authorization["Bearer ".Length..].Trim()).Kid;
        }
        catch (ArgumentException)
        {
            // Not a JWT: validation rejects it; nothing to fetch for it.
            return;
        }

        await keys.RefreshAsync(string.IsNullOrEmpty(kid) ? null : kid, context.HttpContext.RequestAborted);
    }

    /// <summary>A token of a session is only good while the session lives in Redis: logout is immediate.</summary>
    private static async Task CheckSessionAsync(TokenValidatedContext context)
    {
        var sessionId = context.Principal?.FindFirst(WakeDockClaims.SessionId)?.Value;
        if (sessionId is null)
        {
            return;
        }

        var redis = context.HttpContext.RequestServices.GetRequiredService<IConnectionMultiplexer>();
        try
        {
            if (!await redis.GetDatabase().KeyExistsAsync(AuthRedisKeys.Session(sessionId)))
            {
                context.Fail(SessionEndedMessage);
            }
        }
        catch (RedisException)
        {
            // Fail closed: an ended session cannot be told from a live one without Redis.
            context.Fail("The session store is unavailable");
        }
    }
}
