using System.Security.Cryptography;
using System.Text;

namespace WakeDock.Identity.Tokens;

/// <summary>
/// Encrypts signing keys' private halves at rest: AES-256-GCM under a key derived with
/// HKDF-SHA256 from <see cref="IdentitySettings.KeyEncryptionSecret"/>. The key id is the
/// associated data, so a ciphertext cannot be moved to another row.
/// </summary>
public sealed class SigningKeyProtector
{
    private const byte Version = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private static readonly byte[] Salt = "wakedock-identity"u8.ToArray();
    private static readonly byte[] Info = "signing-key-encryption:v1"u8.ToArray();

    private readonly byte[] key;

    public SigningKeyProtector(IdentitySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (string.IsNullOrWhiteSpace(settings.KeyEncryptionSecret))
        {
            throw new InvalidOperationException("Identity:KeyEncryptionSecret is not set");
        }

        key = HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(settings.KeyEncryptionSecret), 32, Salt, Info);
    }

    /// <summary>version (1) | nonce (12) | tag (16) | ciphertext.</summary>
    public byte[] Protect(ReadOnlySpan<byte> plaintext, string keyId)
    {
        var blob = new byte[1 + NonceSize + TagSize + plaintext.Length];
        blob[0] = Version;
        var nonce = blob.AsSpan(1, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, plaintext, blob.AsSpan(1 + NonceSize + TagSize), blob.AsSpan(1 + NonceSize, TagSize), Encoding.UTF8.GetBytes(keyId));
        return blob;
    }

    /// <summary>The plaintext; throws <see cref="CryptographicException"/> for a wrong secret or a tampered blob.</summary>
    public byte[] Unprotect(byte[] blob, string keyId)
    {
        ArgumentNullException.ThrowIfNull(blob);
        if (blob.Length < 1 + NonceSize + TagSize || blob[0] != Version)
        {
            throw new CryptographicException("Unknown signing key encryption format");
        }

        var plaintext = new byte[blob.Length - 1 - NonceSize - TagSize];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(blob.AsSpan(1, NonceSize), blob.AsSpan(1 + NonceSize + TagSize), blob.AsSpan(1 + NonceSize, TagSize), plaintext, Encoding.UTF8.GetBytes(keyId));
        return plaintext;
    }
}
