using System.Security.Cryptography;
using WakeDock.Identity.Tokens;

namespace WakeDock.Identity.Tests.Tokens;

public sealed class SigningKeyProtectorTests
{
    private static SigningKeyProtector Protector(string secret) => new(new IdentitySettings { KeyEncryptionSecret = secret });

    [Fact]
    public void Round_trips_and_binds_the_ciphertext_to_its_key_id()
    {
        var protector = Protector("a-secret-of-sufficient-length");
        var plaintext = RandomNumberGenerator.GetBytes(138);

        var blob = protector.Protect(plaintext, "kid-1");

        Assert.Equal(plaintext, protector.Unprotect(blob, "kid-1"));
        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(blob, "kid-2"));
        Assert.ThrowsAny<CryptographicException>(() => Protector("another-secret-entirely").Unprotect(blob, "kid-1"));
        blob[^1] ^= 1;
        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(blob, "kid-1"));
    }

    [Fact]
    public void Encrypts_with_a_fresh_nonce_every_time()
    {
        var protector = Protector("a-secret-of-sufficient-length");
        var plaintext = new byte[32];

        Assert.NotEqual(protector.Protect(plaintext, "kid"), protector.Protect(plaintext, "kid"));
    }
}
