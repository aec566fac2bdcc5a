using System.Security.Cryptography;
using System.Text;

namespace WakeDock.Identity.SignIn;

/// <summary>
/// Reset tokens: 256 random bits as base64url, stored as the lowercase hex SHA-256 (a fast hash
/// is enough for a secret this long; the database never holds a usable token).
/// </summary>
public static class PasswordResetTokens
{
    public const int MaxLength = 128;

    public static string Create() => Base64UrlEncode(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
    }

    private static string Base64UrlEncode(byte[] bytes)
        => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
