using Microsoft.Extensions.DependencyInjection;
using WakeDock.Identity.Tokens;
using WakeDock.ServiceDefaults.Security;

namespace WakeDock.Identity.Tests.Tokens;

public sealed class DiscoveryTests(IdentityFixture fixture)
{
    [Fact]
    public async Task Jwks_publishes_the_active_es256_public_key_only()
    {
        using var client = fixture.CreateClient();
        var response = await client.GetAsync("/.well-known/jwks.json", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.MaxAge <= TimeSpan.FromMinutes(5));
        var json = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var keys = JsonDocument.Parse(json).RootElement.GetProperty("keys").EnumerateArray().ToList();
        Assert.NotEmpty(keys);
        foreach (var key in keys)
        {
            Assert.Equal("EC", key.GetProperty("kty").GetString());
            Assert.Equal("P-256", key.GetProperty("crv").GetString());
            Assert.Equal("sig", key.GetProperty("use").GetString());
            Assert.Equal("ES256", key.GetProperty("alg").GetString());
            Assert.Equal(43, key.GetProperty("x").GetString()!.Length);
            Assert.Equal(43, key.GetProperty("y").GetString()!.Length);
            // No private member, ever.
            Assert.False(key.TryGetProperty("d", out _));
        }

        var store = fixture.IdentityServices.GetRequiredService<SigningKeyStore>();
        var active = await store.GetSigningCredentialsAsync(TestContext.Current.CancellationToken);
        Assert.Contains(keys, k => k.GetProperty("kid").GetString() == active.Key.KeyId);
        Assert.Equal(keys.Count, EcJsonWebKey.ParseSet(json).Count);
    }

    [Fact]
    public async Task Discovery_document_names_the_issuer_and_the_public_jwks_uri()
    {
        using var client = fixture.CreateClient();
        var document = await client.GetFromJsonAsync<JsonElement>("/.well-known/openid-configuration", TestContext.Current.CancellationToken);

        Assert.Equal("wakedock", document.GetProperty("issuer").GetString());
        // Built from the host the client used (the Gateway's), not Identity's own address.
        Assert.Equal(new Uri(fixture.Gateway, "/.well-known/jwks.json").ToString(), document.GetProperty("jwks_uri").GetString());
        Assert.Equal(new Uri(fixture.Gateway, "/api/v1/auth/login").ToString(), document.GetProperty("token_endpoint").GetString());
        Assert.Equal(["ES256"], document.GetProperty("id_token_signing_alg_values_supported").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public void Jwks_parser_skips_keys_that_are_not_es256_signing_keys()
    {
        using var ecdsa = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var good = EcJsonWebKey.FromPublicKey(ecdsa, "good");
        var json = JsonSerializer.Serialize(new
        {
            keys = new object[]
            {
                new { kty = "RSA", kid = "rsa", n = "AQAB", e = "AQAB" },
                new { kty = "EC", crv = "P-384", kid = "p384", x = good.X, y = good.Y },
                new { kty = "EC", crv = "P-256", kid = "enc", use = "enc", x = good.X, y = good.Y },
                new { kty = "EC", crv = "P-256", kid = "off-curve", x = good.X, y = good.X },
                new { kty = "EC", crv = "P-256", x = good.X, y = good.Y },
                new { kty = good.Kty, crv = good.Crv, kid = good.Kid, use = good.Use, alg = good.Alg, x = good.X, y = good.Y },
            },
        });

        var keys = EcJsonWebKey.ParseSet(json);

        Assert.Equal("good", Assert.Single(keys).KeyId);
    }
}
