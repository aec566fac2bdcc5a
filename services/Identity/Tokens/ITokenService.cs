using WakeDock.Identity.Model;

namespace WakeDock.Identity.Tokens;

/// <summary>What a successful sign-in or refresh answers.</summary>
public sealed record TokenPair(
    string AccessToken,
    DateTimeOffset AccessTokenExpiresAt,
    string RefreshToken,
    DateTimeOffset RefreshTokenExpiresAt,
    string SessionId);

/// <summary>Why a refresh was refused (each maps to a 401 problem; reuse also revokes the family).</summary>
public enum RefreshFailure
{
    Unknown,
    Expired,
    Revoked,
    Reused,
    SessionEnded,
    UserDisabled,
}

public sealed class RefreshRefusedException(RefreshFailure reason) : Exception($"refresh refused: {reason}")
{
    public RefreshFailure Reason { get; } = reason;
}

/// <summary>Issues access tokens (ES256 JWT) and rotating refresh tokens.</summary>
public interface ITokenService
{
    /// <summary>Starts a new session for an authenticated user and issues its first tokens.</summary>
    Task<TokenPair> SignInAsync(User user, ClientInfo client, CancellationToken cancellationToken);

    /// <summary>Exchanges a refresh token for a new pair; throws <see cref="RefreshRefusedException"/>.</summary>
    Task<TokenPair> RefreshAsync(string refreshToken, ClientInfo client, CancellationToken cancellationToken);
}
