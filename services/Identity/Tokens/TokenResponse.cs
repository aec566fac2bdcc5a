namespace WakeDock.Identity.Tokens;

/// <summary>The body of a successful login or refresh (OAuth 2.0 style, camelCase).</summary>
public sealed record TokenResponse(
    string AccessToken,
    string TokenType,
    int ExpiresIn,
    string RefreshToken,
    int RefreshExpiresIn,
    string SessionId)
{
    public static TokenResponse From(TokenPair pair, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(pair);
        return new TokenResponse(
            pair.AccessToken,
            "Bearer",
            Seconds(pair.AccessTokenExpiresAt - now),
            pair.RefreshToken,
            Seconds(pair.RefreshTokenExpiresAt - now),
            pair.SessionId);
    }

    private static int Seconds(TimeSpan span) => (int)Math.Max(0, Math.Floor(span.TotalSeconds));
}

/// <summary>The body of <c>POST /api/v1/auth/refresh</c>.</summary>
public sealed record RefreshRequest(string? RefreshToken);
