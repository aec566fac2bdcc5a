using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace WakeDock.ServiceDefaults.Security;

/// <summary>An ES256 public key as a JWK (RFC 7517/7518): the only kind WakeDock publishes or accepts.</summary>
public sealed record EcJsonWebKey(string Kty, string Crv, string X, string Y, string Kid, string Use, string Alg)
{
    private const int CoordinateLength = 32;

    public static EcJsonWebKey FromPublicKey(ECDsa key, string keyId)
    {
        ArgumentNullException.ThrowIfNull(key);
        var parameters = key.ExportParameters(includePrivateParameters: false);
        return new EcJsonWebKey("EC", "P-256", Base64Url.EncodeToString(parameters.Q.X), Base64Url.EncodeToString(parameters.Q.Y), keyId, "sig", WakeDockAuthenticationDefaults.Algorithm);
    }

    /// <summary>The RFC 7638 thumbprint (base64url SHA-256 of the required members in order): a stable <c>kid</c>.</summary>
    public static string Thumbprint(ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var parameters = key.ExportParameters(includePrivateParameters: false);
        var canonical = $"{{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"{Base64Url.EncodeToString(parameters.Q.X)}\",\"y\":\"{Base64Url.EncodeToString(parameters.Q.Y)}\"}}";
        return Base64Url.EncodeToString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(canonical)));
    }

    /// <summary>
    /// The ES256 signing keys of a JWKS document; anything else (RSA, other curves, encryption
    /// keys, keys without a <c>kid</c>, points off the curve) is skipped.
    /// </summary>
    public static IReadOnlyList<ECDsaSecurityKey> ParseSet(string json)
    {
        using var document = JsonDocument.Parse(json);
        if (!document.RootElement.TryGetProperty("keys", out var keys) || keys.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        var result = new List<ECDsaSecurityKey>();
        foreach (var jwk in keys.EnumerateArray())
        {
            if (TryCreateSecurityKey(jwk, out var key))
            {
                result.Add(key);
            }
        }

        return result;
    }

    private static bool TryCreateSecurityKey(JsonElement jwk, out ECDsaSecurityKey key)
    {
        key = null!;
        if (jwk.ValueKind != JsonValueKind.Object
            || Text(jwk, "kty") != "EC" || Text(jwk, "crv") != "P-256"
            || Text(jwk, "use") is { } use && use != "sig"
            || Text(jwk, "alg") is { } alg && alg != WakeDockAuthenticationDefaults.Algorithm
            || Text(jwk, "kid") is not { Length: > 0 } kid
            || Coordinate(jwk, "x") is not { } x || Coordinate(jwk, "y") is not { } y)
        {
            return false;
        }

        ECDsa? ecdsa = null;
        try
        {
            // Import validates that the point is on the curve.
            ecdsa = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = x, Y = y } });
            key = new ECDsaSecurityKey(ecdsa) { KeyId = kid };
            ecdsa = null;
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
        finally
        {
            ecdsa?.Dispose();
        }
    }

    private static string? Text(JsonElement jwk, string name)
        => jwk.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static byte[]? Coordinate(JsonElement jwk, string name)
    {
        var text = Text(jwk, name);
        if (text is null || !Base64Url.IsValid(text, out var length) || length != CoordinateLength)
        {
            return null;
        }

        return Base64Url.DecodeFromChars(text);
    }
}
