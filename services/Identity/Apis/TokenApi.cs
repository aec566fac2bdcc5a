using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using WakeDock.Identity.Infrastructure;
using WakeDock.Identity.Model;
using WakeDock.Identity.Sessions;
using WakeDock.Identity.Tokens;
using WakeDock.Identity.Users;
using WakeDock.ServiceDefaults.RateLimiting;
using WakeDock.ServiceDefaults.Security;

namespace WakeDock.Identity.Apis;

/// <summary>A session as the API shows it; <c>current</c> marks the caller's own.</summary>
public sealed record SessionView(string SessionId, DateTimeOffset CreatedAt, DateTimeOffset LastSeenAt, DateTimeOffset ExpiresAt, string? IpAddress, string? UserAgent, bool Current)
{
    public static SessionView From(SessionInfo session, string? currentSessionId)
    {
        ArgumentNullException.ThrowIfNull(session);
        return new SessionView(session.SessionId, session.CreatedAt, session.LastSeenAt, session.ExpiresAt, session.IpAddress, session.UserAgent, session.SessionId == currentSessionId);
    }
}

/// <summary>Refresh, logout and sessions under <c>/api/v1/auth</c>; admins' session management under <c>/api/v1/users</c>; keys and discovery.</summary>
public static class TokenApi
{
    /// <summary>The refresh endpoint's route name (its per-address rate limit keys on <c>/api/v1/auth/refresh</c>).</summary>
    public const string RefreshEndpointName = "RefreshToken";

    public static IEndpointRouteBuilder MapTokenApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapKeyEndpoints();

        var auth = endpoints.MapGroup("/api/v1/auth").WithTags("Tokens and sessions");
        auth.MapPost("/refresh", RefreshAsync).WithName(RefreshEndpointName)
            .WithSummary("Exchanges a refresh token for new tokens; the old one is used up (reusing it ends the session).")
            .ProducesProblem(StatusCodes.Status401Unauthorized).AllowAnonymous();
        auth.MapPost("/logout", LogoutAsync).WithName("Logout").WithSummary("Ends the caller's session.").RequireAuthorization();
        auth.MapPost("/logout-all", LogoutAllAsync).WithName("LogoutAll").WithSummary("Ends every session of the caller.").RequireAuthorization();
        auth.MapGet("/sessions", ListMineAsync).WithName("ListMySessions").WithSummary("The caller's sessions.").RequireAuthorization();
        auth.MapDelete("/sessions/{sessionId}", RevokeMineAsync).WithName("RevokeMySession").WithSummary("Ends one of the caller's sessions.").RequireAuthorization();

        var users = endpoints.MapGroup("/api/v1/users/{userId:guid}/sessions").WithTags("Users").RequireAuthorization(WakeDockPolicies.Admin);
        users.MapGet("/", ListForUserAsync).WithName("ListUserSessions").WithSummary("A user's sessions.");
        users.MapDelete("/{sessionId}", RevokeForUserAsync).WithName("RevokeUserSession").WithSummary("Ends one session of a user.");
        users.MapDelete("/", RevokeAllForUserAsync).WithName("RevokeUserSessions").WithSummary("Ends every session of a user.");
        return endpoints;
    }

    private static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> RefreshAsync(
        RefreshRequest? request,
        HttpContext context,
        ITokenService tokens,
        IdentityDbContext db,
        IDistributedRateLimiter limiter,
        IdentitySettings settings,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request?.RefreshToken))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad Request", detail: "refreshToken is required");
        }

        // The per-address limit runs in the defence middleware; this one follows the account the
        // token belongs to, so spreading refreshes over many addresses does not escape it.
        var hash = TokenService.Hash(request.RefreshToken);
        var userId = await db.RefreshTokens.AsNoTracking().Where(token => token.TokenHash == hash)
            .Select(token => (Guid?)token.UserId).FirstOrDefaultAsync(cancellationToken);
        if (userId is { } owner)
        {
            var rule = settings.RateLimits.RefreshPerAccount;
            var decision = await limiter.TryAcquireAsync($"identity:refresh:account:{owner:N}", new RateLimitQuota(rule.Permits, rule.Window), cancellationToken);
            if (!decision.Allowed)
            {
                context.Response.Headers.RetryAfter = decision.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status429TooManyRequests,
                    title: "Too many requests",
                    detail: "Too many refreshes for this account; retry after the time in Retry-After.");
            }
        }

        try
        {
            var pair = await tokens.RefreshAsync(request.RefreshToken, ClientInfo.From(context), cancellationToken);
            return TypedResults.Ok(TokenResponse.From(pair, time.GetUtcNow()));
        }
        catch (RefreshRefusedException refused)
        {
            var detail = Describe(refused.Reason);
            context.Response.Headers.WWWAuthenticate = AuthProblems.BearerChallenge("invalid_token", detail);
            return TypedResults.Problem(
                statusCode: StatusCodes.Status401Unauthorized,
                title: "Refresh refused",
                detail: detail,
                extensions: new Dictionary<string, object?> { ["reason"] = ReasonCode(refused.Reason) });
        }
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> LogoutAsync(ClaimsPrincipal user, ISessionStore sessions, CancellationToken cancellationToken)
    {
        var sessionId = user.FindFirst(WakeDockClaims.SessionId)?.Value;
        if (sessionId is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad Request", detail: "This credential has no session (an API key is revoked instead).");
        }

        await sessions.RevokeAsync(sessionId, "logout", cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> LogoutAllAsync(ClaimsPrincipal user, ISessionStore sessions, CancellationToken cancellationToken)
    {
        if (UserId(user) is not { } userId)
        {
            return Forbidden();
        }

        await sessions.RevokeAllForUserAsync(userId, "logout-all", cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<IReadOnlyList<SessionView>>, ProblemHttpResult>> ListMineAsync(ClaimsPrincipal user, ISessionStore sessions, CancellationToken cancellationToken)
    {
        if (UserId(user) is not { } userId)
        {
            return Forbidden();
        }

        var current = user.FindFirst(WakeDockClaims.SessionId)?.Value;
        var list = await sessions.ListForUserAsync(userId, cancellationToken);
        return TypedResults.Ok<IReadOnlyList<SessionView>>([.. list.Select(s => SessionView.From(s, current))]);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeMineAsync(string sessionId, ClaimsPrincipal user, ISessionStore sessions, CancellationToken cancellationToken)
    {
        var session = await sessions.GetAsync(sessionId, cancellationToken);
        // Someone else's session answers exactly like a missing one.
        if (session is null || session.UserId != UserId(user))
        {
            return SessionNotFound();
        }

        await sessions.RevokeAsync(sessionId, "revoked-by-user", cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<IReadOnlyList<SessionView>>, ProblemHttpResult>> ListForUserAsync(
        Guid userId, ClaimsPrincipal caller, IdentityDbContext db, ISessionStore sessions, CancellationToken cancellationToken)
    {
        if (!await db.Users.AnyAsync(u => u.Id == userId, cancellationToken))
        {
            return UserNotFound();
        }

        var current = caller.FindFirst(WakeDockClaims.SessionId)?.Value;
        var list = await sessions.ListForUserAsync(userId, cancellationToken);
        return TypedResults.Ok<IReadOnlyList<SessionView>>([.. list.Select(s => SessionView.From(s, current))]);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeForUserAsync(
        Guid userId, string sessionId, HttpContext context, ISessionStore sessions, IAuditTrail audit, CancellationToken cancellationToken)
    {
        var session = await sessions.GetAsync(sessionId, cancellationToken);
        if (session is null || session.UserId != userId)
        {
            return SessionNotFound();
        }

        await sessions.RevokeAsync(sessionId, "revoked-by-admin", cancellationToken);
        await audit.RecordAsync(context.User, "session.revoke", "user", userId.ToString(), ClientInfo.From(context).IpAddress, new { sessionId }, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeAllForUserAsync(
        Guid userId, HttpContext context, IdentityDbContext db, ISessionStore sessions, IAuditTrail audit, CancellationToken cancellationToken)
    {
        if (!await db.Users.AnyAsync(u => u.Id == userId, cancellationToken))
        {
            return UserNotFound();
        }

        var revoked = await sessions.RevokeAllForUserAsync(userId, "revoked-by-admin", cancellationToken);
        await audit.RecordAsync(context.User, "session.revoke-all", "user", userId.ToString(), ClientInfo.From(context).IpAddress, new { revoked }, cancellationToken);
        return TypedResults.NoContent();
    }

    private static Guid? UserId(ClaimsPrincipal user) => Guid.TryParse(user.FindFirst(WakeDockClaims.Subject)?.Value, out var id) ? id : null;

    private static ProblemHttpResult SessionNotFound() => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not Found", detail: "No such session");

    private static ProblemHttpResult UserNotFound() => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not Found", detail: "No such user");

    private static ProblemHttpResult Forbidden() => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: "This credential does not belong to a user");

    private static string Describe(RefreshFailure reason) => reason switch
    {
        RefreshFailure.Expired => "The refresh token has expired",
        RefreshFailure.Revoked => "The refresh token has been revoked",
        RefreshFailure.Reused => "The refresh token was already used; the session has been ended",
        RefreshFailure.SessionEnded => "The session has ended",
        RefreshFailure.UserDisabled => "The account is disabled",
        _ => "The refresh token is not valid",
    };

    private static string ReasonCode(RefreshFailure reason) => reason switch
    {
        RefreshFailure.SessionEnded => "session_ended",
        RefreshFailure.UserDisabled => "user_disabled",
        _ => reason.ToString().ToLowerInvariant(),
    };
}
