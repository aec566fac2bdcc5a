using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using WakeDock.Identity.Defence;
using WakeDock.Identity.Infrastructure;
using WakeDock.Identity.Model;
using WakeDock.Identity.Sessions;
using WakeDock.ServiceDefaults.Security;

namespace WakeDock.Identity.Tokens;

/// <summary>
/// ES256 access tokens and opaque, rotating refresh tokens. A refresh token is used once: using
/// it again (or racing two uses) is treated as theft and ends its family and its session.
/// </summary>
public sealed partial class TokenService(
    IdentityDbContext db,
    ISessionStore sessions,
    SigningKeyStore keys,
    ISecurityEvents events,
    IdentitySettings settings,
    TimeProvider time,
    ILogger<TokenService> logger) : ITokenService
{
    private const int MaxRefreshTokenLength = 128;
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    public async Task<TokenPair> SignInAsync(User user, ClientInfo client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(client);
        var session = await sessions.CreateAsync(user, client, cancellationToken);
        var now = time.GetUtcNow();
        var (refreshToken, entity) = NewRefreshToken(user.Id, session, Guid.CreateVersion7(), now);
        db.RefreshTokens.Add(entity);
        await db.SaveChangesAsync(cancellationToken);
        return await IssueAsync(user, session.SessionId, refreshToken, entity.ExpiresAt, now, cancellationToken);
    }

    public async Task<TokenPair> RefreshAsync(string refreshToken, ClientInfo client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (string.IsNullOrEmpty(refreshToken) || refreshToken.Length > MaxRefreshTokenLength)
        {
            throw new RefreshRefusedException(RefreshFailure.Unknown);
        }

        var hash = Hash(refreshToken);
        var current = await db.RefreshTokens.AsNoTracking().FirstOrDefaultAsync(t => t.TokenHash == hash, cancellationToken)
            ?? throw new RefreshRefusedException(RefreshFailure.Unknown);
        var now = time.GetUtcNow();
        if (current.ExpiresAt <= now)
        {
            throw new RefreshRefusedException(RefreshFailure.Expired);
        }

        if (current.RevokedAt is not null)
        {
            throw new RefreshRefusedException(RefreshFailure.Revoked);
        }

        if (current.UsedAt is not null)
        {
            throw await ReuseDetectedAsync(current, client);
        }

        var session = await sessions.GetAsync(current.SessionId, cancellationToken);
        if (session is null || !await sessions.TouchAsync(current.SessionId, cancellationToken))
        {
            await sessions.RevokeAsync(current.SessionId, "session-ended", CancellationToken.None);
            throw new RefreshRefusedException(RefreshFailure.SessionEnded);
        }

        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == current.UserId, cancellationToken);
        if (user is null || !user.IsEnabled)
        {
            await sessions.RevokeAsync(current.SessionId, "user-disabled", CancellationToken.None);
            throw new RefreshRefusedException(RefreshFailure.UserDisabled);
        }

        var (successorToken, successor) = NewRefreshToken(user.Id, session, current.FamilyId, now);
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            // The conditional update is the lock: of two concurrent uses exactly one sees a row.
            var claimed = await db.RefreshTokens
                .Where(t => t.Id == current.Id && t.UsedAt == null && t.RevokedAt == null)
                .ExecuteUpdateAsync(set => set.SetProperty(t => t.UsedAt, now).SetProperty(t => t.ReplacedById, successor.Id), cancellationToken);
            if (claimed == 0)
            {
                await transaction.RollbackAsync(CancellationToken.None);
                var latest = await db.RefreshTokens.AsNoTracking().FirstAsync(t => t.Id == current.Id, CancellationToken.None);
                throw latest.RevokedAt is not null
                    ? new RefreshRefusedException(RefreshFailure.Revoked)
                    : await ReuseDetectedAsync(latest, client);
            }

            db.RefreshTokens.Add(successor);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        return await IssueAsync(user, session.SessionId, successorToken, successor.ExpiresAt, now, cancellationToken);
    }

    /// <summary>The SHA-256 (lowercase hex) under which a refresh token is stored.</summary>
    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>Signs an access token for a session of <paramref name="user"/> with the active key.</summary>
    public async Task<(string Token, DateTimeOffset ExpiresAt)> CreateAccessTokenAsync(User user, string sessionId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        var credentials = await keys.GetSigningCredentialsAsync(cancellationToken);
        var expiresAt = now + settings.AccessTokenLifetime;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = settings.Issuer,
            Audience = settings.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expiresAt.UtcDateTime,
            TokenType = WakeDockAuthenticationDefaults.AccessTokenType,
            SigningCredentials = credentials,
            Claims = new Dictionary<string, object>
            {
                [WakeDockClaims.Subject] = user.Id.ToString(),
                [WakeDockClaims.Name] = user.UserName,
                [WakeDockClaims.Role] = user.Role,
                [WakeDockClaims.SessionId] = sessionId,
                [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N"),
                [WakeDockClaims.AuthenticationMethod] = new[] { WakeDockAuthenticationDefaults.PasswordMethod },
            },
        };
        return (Handler.CreateToken(descriptor), expiresAt);
    }

    private async Task<TokenPair> IssueAsync(User user, string sessionId, string refreshToken, DateTimeOffset refreshExpiresAt, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (accessToken, expiresAt) = await CreateAccessTokenAsync(user, sessionId, now, cancellationToken);
        return new TokenPair(accessToken, expiresAt, refreshToken, refreshExpiresAt, sessionId);
    }

    /// <summary>Revokes the family and the session, records the event; the caller throws the result.</summary>
    private async Task<RefreshRefusedException> ReuseDetectedAsync(RefreshToken token, ClientInfo client)
    {
        // Not the request's token: an aborted request must not stop the revocation.
        var now = time.GetUtcNow();
        await db.RefreshTokens.Where(t => t.FamilyId == token.FamilyId && t.RevokedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(t => t.RevokedAt, now).SetProperty(t => t.RevokedReason, "reused"), CancellationToken.None);
        await sessions.RevokeAsync(token.SessionId, "refresh-token-reused", CancellationToken.None);
        var userName = await db.Users.Where(u => u.Id == token.UserId).Select(u => u.UserName).FirstOrDefaultAsync(CancellationToken.None);
        LogReuse(logger, token.FamilyId, client.IpAddress);
        await events.RecordAsync(
            SecurityEventTypes.RefreshTokenReused, client, token.UserId, userName,
            new { familyId = token.FamilyId, sessionId = token.SessionId, tokenId = token.Id }, CancellationToken.None);
        return new RefreshRefusedException(RefreshFailure.Reused);
    }

    private (string Token, RefreshToken Entity) NewRefreshToken(Guid userId, SessionInfo session, Guid familyId, DateTimeOffset now)
    {
        var token = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var expiresAt = now + settings.RefreshTokenLifetime;
        // The session's absolute lifetime caps every token of it.
        if (session.ExpiresAt < expiresAt)
        {
            expiresAt = session.ExpiresAt;
        }

        return (token, new RefreshToken
        {
            FamilyId = familyId,
            UserId = userId,
            SessionId = session.SessionId,
            TokenHash = Hash(token),
            CreatedAt = now,
            ExpiresAt = expiresAt,
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refresh token reuse detected (family {FamilyId}, from {IpAddress}); the family and its session are revoked")]
    private static partial void LogReuse(ILogger logger, Guid familyId, string ipAddress);
}
