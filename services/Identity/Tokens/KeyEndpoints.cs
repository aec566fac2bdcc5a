using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using WakeDock.Identity.Model;
using WakeDock.Identity.Users;
using WakeDock.ServiceDefaults.Security;

namespace WakeDock.Identity.Tokens;

/// <summary>A signing key's metadata (never key material beyond what the JWKS publishes).</summary>
public sealed record SigningKeyView(string KeyId, string Algorithm, string Status, DateTimeOffset CreatedAt, DateTimeOffset? RetiredAt, DateTimeOffset? RemovedAt, DateTimeOffset? RemoveAfter);

public sealed record KeyRotationResult(string ActiveKeyId, string? RetiredKeyId);

/// <summary>The JWKS, the discovery document and the admin API for signing keys.</summary>
public static class KeyEndpoints
{
    public const string JwksPath = "/.well-known/jwks.json";

    /// <summary>Short: validators refetch on an unknown kid anyway, and removals should spread fast.</summary>
    private const string CacheControl = "public, max-age=60";

    // Snake-case member names are the standard's, so a dictionary rather than a record.
    private static readonly Dictionary<string, object> FixedDiscoveryMembers = new()
    {
        ["grant_types_supported"] = new[] { "password", "refresh_token" },
        ["response_types_supported"] = new[] { "token" },
        ["subject_types_supported"] = new[] { "public" },
        ["token_endpoint_auth_methods_supported"] = new[] { "none" },
        ["id_token_signing_alg_values_supported"] = new[] { WakeDockAuthenticationDefaults.Algorithm },
        ["access_token_signing_alg_values_supported"] = new[] { WakeDockAuthenticationDefaults.Algorithm },
        ["claims_supported"] = new[] { "iss", "aud", "sub", "name", "role", "sid", "jti", "amr", "iat", "nbf", "exp" },
    };

    public static IEndpointRouteBuilder MapKeyEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet(JwksPath, JwksAsync).WithName("Jwks").WithTags("Discovery").WithSummary("The published ES256 signing keys.").AllowAnonymous();
        endpoints.MapGet("/.well-known/openid-configuration", Discovery).WithName("OpenIdConfiguration").WithTags("Discovery")
            .WithSummary("OpenID-style discovery document.").AllowAnonymous();

        var keys = endpoints.MapGroup("/api/v1/auth/keys").WithTags("Signing keys").RequireAuthorization(WakeDockPolicies.Admin);
        keys.MapGet("/", ListAsync).WithName("ListSigningKeys").WithSummary("Signing keys: active, retired (still published) and removed.");
        keys.MapPost("/rotate", RotateAsync).WithName("RotateSigningKey").WithSummary("A new key signs from now on; the old one stays published until its tokens expire.");
        keys.MapDelete("/{keyId}", RemoveAsync).WithName("RemoveSigningKey").WithSummary("Removes a retired key now: tokens it signed stop validating.");
        return endpoints;
    }

    private static async Task<IResult> JwksAsync(HttpContext context, SigningKeyStore store, CancellationToken cancellationToken)
    {
        var keys = await store.GetPublishedKeysAsync(cancellationToken);
        context.Response.Headers[HeaderNames.CacheControl] = CacheControl;
        return TypedResults.Json(new { keys = keys.Select(k => EcJsonWebKey.FromPublicKey(k.ECDsa, k.KeyId)).ToList() });
    }

    private static JsonHttpResult<Dictionary<string, object>> Discovery(HttpContext context, IdentitySettings settings)
    {
        var request = context.Request;
        // Behind the Gateway the public host is the forwarded one (Identity listens on loopback only).
        var forwardedHost = request.Headers["X-Forwarded-Host"].ToString().Split(',')[0].Trim();
        var host = forwardedHost.Length > 0 && Uri.CheckHostName(new HostString(forwardedHost).Host) != UriHostNameType.Unknown
            ? forwardedHost
            : request.Host.Value;
        var baseUrl = $"{request.Scheme}://{host}";
        context.Response.Headers[HeaderNames.CacheControl] = CacheControl;
        var document = new Dictionary<string, object>(FixedDiscoveryMembers)
        {
            ["issuer"] = settings.Issuer,
            ["jwks_uri"] = baseUrl + JwksPath,
            ["token_endpoint"] = baseUrl + "/api/v1/auth/login",
            ["end_session_endpoint"] = baseUrl + "/api/v1/auth/logout",
        };
        return TypedResults.Json(document);
    }

    private static async Task<Ok<IReadOnlyList<SigningKeyView>>> ListAsync(SigningKeyStore store, CancellationToken cancellationToken)
    {
        var keys = await store.ListAsync(cancellationToken);
        return TypedResults.Ok<IReadOnlyList<SigningKeyView>>([.. keys.Select(k => new SigningKeyView(
            k.KeyId,
            k.Algorithm,
            k.RemovedAt is not null ? "removed" : k.RetiredAt is not null ? "retired" : "active",
            k.CreatedAt,
            k.RetiredAt,
            k.RemovedAt,
            k.RemovedAt is null && k.RetiredAt is { } retiredAt ? retiredAt + store.RetentionAfterRetirement : null))]);
    }

    private static async Task<Ok<KeyRotationResult>> RotateAsync(HttpContext context, SigningKeyStore store, IAuditTrail audit, CancellationToken cancellationToken)
    {
        var client = ClientInfo.From(context);
        var caller = Caller.From(context.User);
        var result = await store.MaintainAsync(forceRotation: true, client, cancellationToken, caller.UserId, caller.Name);
        await audit.RecordAsync(context.User, "signing-key.rotate", "signing-key", result.ActiveKeyId, client.IpAddress, new { retiredKeyId = result.RetiredKeyId }, cancellationToken);
        return TypedResults.Ok(new KeyRotationResult(result.ActiveKeyId, result.RetiredKeyId));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveAsync(string keyId, HttpContext context, SigningKeyStore store, IAuditTrail audit, CancellationToken cancellationToken)
    {
        switch (await store.RemoveAsync(keyId, cancellationToken))
        {
            case KeyRemoval.NotFound:
                return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not Found", detail: "No such published signing key");
            case KeyRemoval.Active:
                return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict", detail: "The active signing key cannot be removed; rotate first");
            default:
                await audit.RecordAsync(context.User, "signing-key.remove", "signing-key", keyId, ClientInfo.From(context).IpAddress, cancellationToken: cancellationToken);
                return TypedResults.NoContent();
        }
    }
}
