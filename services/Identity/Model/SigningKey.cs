namespace WakeDock.Identity.Model;

/// <summary>
/// An ES256 key pair for access tokens. The newest active key signs; older keys stay published
/// in the JWKS until every token they signed has expired, then they are removed.
/// </summary>
public sealed class SigningKey
{
    /// <summary>The JWK <c>kid</c>.</summary>
    public required string KeyId { get; set; }

    public string Algorithm { get; set; } = "ES256";

    /// <summary>The private key (PKCS#8), encrypted with the key-encryption secret (AES-GCM).</summary>
    public required byte[] EncryptedPrivateKey { get; set; }

    /// <summary>The public key (SubjectPublicKeyInfo DER), for the JWKS.</summary>
    public required byte[] PublicKey { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When it stopped signing (a newer key took over); null while it signs.</summary>
    public DateTimeOffset? RetiredAt { get; set; }

    /// <summary>When it was removed from the JWKS; tokens it signed no longer validate.</summary>
    public DateTimeOffset? RemovedAt { get; set; }
}
