using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using WakeDock.Identity.Tokens;
using WakeDock.ServiceDefaults.Security;

namespace WakeDock.Identity.Tests.Tokens;

/// <summary>Forged and misused access tokens against a protected endpoint, directly and through the Gateway.</summary>
public sealed class AccessTokenAttackTests(IdentityFixture fixture)
{
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    private IServiceProvider Services => fixture.IdentityServices;

    [Fact]
    public async Task A_genuine_token_is_accepted_and_carries_the_expected_claims()
    {
        var (user, tokens) = await TokenTestKit.NewSessionAsync(Services);

        var token = new JsonWebToken(tokens.AccessToken);
        Assert.Equal("ES256", token.Alg);
        Assert.Equal("at+jwt", token.Typ);
        Assert.False(string.IsNullOrEmpty(token.Kid));
        Assert.Equal(user.Id.ToString(), token.Subject);
        Assert.Equal(user.UserName, token.GetClaim("name").Value);
        Assert.Equal(Roles.Viewer, token.GetClaim("role").Value);
        Assert.Equal(tokens.SessionId, token.GetClaim("sid").Value);
        Assert.Equal("pwd", token.GetClaim("amr").Value);
        Assert.False(string.IsNullOrEmpty(token.Id));
        Assert.Equal(["wakedock-api"], token.Audiences);
        Assert.Equal("wakedock", token.Issuer);
        Assert.Equal(TimeSpan.FromMinutes(10), token.ValidTo - token.ValidFrom);
        Assert.Equal(HttpStatusCode.OK, await StatusWith(tokens.AccessToken));
    }

    [Fact]
    public async Task No_token_is_a_401_problem_with_a_bearer_challenge()
    {
        using var client = TokenTestKit.Client(fixture.Gateway);
        var response = await client.GetAsync(TokenTestKit.ProtectedPath, TestContext.Current.CancellationToken);

        await TokenTestKit.AssertUnauthorizedAsync(response);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task A_tampered_payload_or_signature_is_rejected()
    {
        var (_, tokens) = await TokenTestKit.NewSessionAsync(Services);
        var parts = tokens.AccessToken.Split('.');

        var payload = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(parts[1])).Replace("\"viewer\"", "\"admin\"", StringComparison.Ordinal);
        var escalated = $"{parts[0]}.{Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload))}.{parts[2]}";
        var signature = Base64Url.DecodeFromChars(parts[2]);
        signature[5] ^= 0x40;
        var flipped = $"{parts[0]}.{parts[1]}.{Base64Url.EncodeToString(signature)}";

        await AssertRejectedAsync(escalated);
        await AssertRejectedAsync(flipped);
    }

    [Fact]
    public async Task Alg_none_is_rejected()
    {
        var (_, tokens) = await TokenTestKit.NewSessionAsync(Services);
        var parts = tokens.AccessToken.Split('.');
        var kid = new JsonWebToken(tokens.AccessToken).Kid;
        var header = Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{{\"alg\":\"none\",\"kid\":\"{kid}\",\"typ\":\"at+jwt\"}}"));

        await AssertRejectedAsync($"{header}.{parts[1]}.");
        await AssertRejectedAsync($"{header}.{parts[1]}.{parts[2]}");
    }

    [Fact]
    public async Task Hs256_keyed_with_the_public_key_is_rejected()
    {
        var (user, tokens) = await TokenTestKit.NewSessionAsync(Services);
        var active = (ECDsaSecurityKey)(await Services.GetRequiredService<SigningKeyStore>().GetSigningCredentialsAsync(TestContext.Current.CancellationToken)).Key;
        var publicKey = active.ECDsa.ExportSubjectPublicKeyInfo();
        var jwk = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(EcJsonWebKey.FromPublicKey(active.ECDsa, active.KeyId)));

        foreach (var secret in new[] { publicKey, jwk })
        {
            var forged = Handler.CreateToken(Descriptor(user.Id, tokens.SessionId, new SigningCredentials(new SymmetricSecurityKey(secret) { KeyId = active.KeyId }, SecurityAlgorithms.HmacSha256)));
            await AssertRejectedAsync(forged);
        }
    }

    [Fact]
    public async Task Expired_tokens_are_rejected_beyond_the_clock_skew()
    {
        var (user, tokens) = await TokenTestKit.NewSessionAsync(Services);
        var now = DateTime.UtcNow;
        var expired = Handler.CreateToken(Descriptor(user.Id, tokens.SessionId, await ActiveCredentialsAsync(), issuedAt: now.AddMinutes(-11), expires: now.AddMinutes(-1)));
        var withinSkew = Handler.CreateToken(Descriptor(user.Id, tokens.SessionId, await ActiveCredentialsAsync(), issuedAt: now.AddMinutes(-10), expires: now.AddSeconds(-10)));

        var response = await SendWith(expired);
        await TokenTestKit.AssertUnauthorizedAsync(response);
        Assert.Contains("expired", response.Headers.WwwAuthenticate.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, await StatusWith(withinSkew));
    }

    [Fact]
    public async Task Wrong_issuer_audience_or_type_is_rejected()
    {
        var (user, tokens) = await TokenTestKit.NewSessionAsync(Services);
        var credentials = await ActiveCredentialsAsync();

        await AssertRejectedAsync(Handler.CreateToken(Descriptor(user.Id, tokens.SessionId, credentials, issuer: "https://evil.example")));
        await AssertRejectedAsync(Handler.CreateToken(Descriptor(user.Id, tokens.SessionId, credentials, audience: "another-api")));
        await AssertRejectedAsync(Handler.CreateToken(Descriptor(user.Id, tokens.SessionId, credentials, type: "JWT")));
        // The control: the same recipe with the right values passes.
        Assert.Equal(HttpStatusCode.OK, await StatusWith(Handler.CreateToken(Descriptor(user.Id, tokens.SessionId, credentials))));
    }

    [Fact]
    public async Task A_key_identity_does_not_know_is_rejected()
    {
        var (user, tokens) = await TokenTestKit.NewSessionAsync(Services);
        using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var activeKid = (await ActiveCredentialsAsync()).Key.KeyId;

        await AssertRejectedAsync(Handler.CreateToken(Descriptor(user.Id, tokens.SessionId, new SigningCredentials(new ECDsaSecurityKey(stranger) { KeyId = "unknown-kid" }, SecurityAlgorithms.EcdsaSha256))));
        // Claiming the real kid does not help a stranger's key either.
        await AssertRejectedAsync(Handler.CreateToken(Descriptor(user.Id, tokens.SessionId, new SigningCredentials(new ECDsaSecurityKey(stranger) { KeyId = activeKid }, SecurityAlgorithms.EcdsaSha256))));
    }

    [Fact]
    public async Task A_token_is_dead_as_soon_as_its_session_is_logged_out()
    {
        var (_, tokens) = await TokenTestKit.NewSessionAsync(Services);
        using var client = TokenTestKit.Client(fixture.Gateway, tokens.AccessToken);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(TokenTestKit.ProtectedPath, TestContext.Current.CancellationToken)).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync("/api/v1/auth/logout", null, TestContext.Current.CancellationToken)).StatusCode);

        var response = await client.GetAsync(TokenTestKit.ProtectedPath, TestContext.Current.CancellationToken);
        await TokenTestKit.AssertUnauthorizedAsync(response);
        Assert.Contains("session has ended", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    private async Task<SigningCredentials> ActiveCredentialsAsync()
        => await Services.GetRequiredService<SigningKeyStore>().GetSigningCredentialsAsync(TestContext.Current.CancellationToken);

    private static SecurityTokenDescriptor Descriptor(
        Guid userId, string sessionId, SigningCredentials credentials,
        string issuer = "wakedock", string audience = "wakedock-api", string type = "at+jwt",
        DateTime? issuedAt = null, DateTime? expires = null)
    {
        var iat = issuedAt ?? DateTime.UtcNow;
        return new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            TokenType = type,
            IssuedAt = iat,
            NotBefore = iat,
            Expires = expires ?? iat.AddMinutes(5),
            SigningCredentials = credentials,
            Claims = new Dictionary<string, object> { ["sub"] = userId.ToString(), ["name"] = "forged", ["role"] = Roles.Admin, ["sid"] = sessionId },
        };
    }

    private async Task<HttpResponseMessage> SendWith(string token)
    {
        using var client = TokenTestKit.Client(fixture.Gateway, token);
        return await client.GetAsync(TokenTestKit.ProtectedPath, TestContext.Current.CancellationToken);
    }

    private async Task<HttpStatusCode> StatusWith(string token) => (await SendWith(token)).StatusCode;

    private async Task AssertRejectedAsync(string token)
    {
        await TokenTestKit.AssertUnauthorizedAsync(await SendWith(token));
        using var direct = TokenTestKit.Client(fixture.Identity, token);
        Assert.Equal(HttpStatusCode.Unauthorized, (await direct.GetAsync(TokenTestKit.ProtectedPath, TestContext.Current.CancellationToken)).StatusCode);
    }
}
