using WakeDock.Identity.Defence;
using WakeDock.Identity.SignIn;

namespace WakeDock.Identity.Tests.Defence;

/// <summary>The pure parts: address ranges, the lockout formula, secret scrubbing, reset tokens.</summary>
public sealed class DefenceUnitTests
{
    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData(" 203.0.113.7/32 ", "203.0.113.7")]
    [InlineData("203.0.113.77/24", "203.0.113.0/24")]
    [InlineData("10.1.2.3/8", "10.0.0.0/8")]
    [InlineData("0.0.0.0/0", "0.0.0.0/0")]
    [InlineData("2001:DB8::1", "2001:db8::1")]
    [InlineData("2001:db8:abcd::1/32", "2001:db8::/32")]
    [InlineData("::ffff:192.0.2.1", "192.0.2.1")]
    public void Ranges_parse_to_canonical_form(string text, string canonical)
    {
        Assert.True(IpRange.TryParse(text, out var range, out var error), error);
        Assert.Equal(canonical, range.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-an-ip")]
    [InlineData("203.0.113.7/33")]
    [InlineData("2001:db8::/129")]
    [InlineData("203.0.113.7/-1")]
    [InlineData("203.0.113.7/")]
    [InlineData("fe80::1%eth0")]
    [InlineData("203.0.113")]
    public void Bad_ranges_are_refused(string text)
    {
        Assert.False(IpRange.TryParse(text, out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Theory]
    [InlineData("203.0.113.0/24", "203.0.113.200", true)]
    [InlineData("203.0.113.0/24", "203.0.114.1", false)]
    [InlineData("203.0.113.0/24", "::ffff:203.0.113.9", true)]
    [InlineData("2001:db8::/32", "2001:db8:ffff::1", true)]
    [InlineData("2001:db8::/32", "2001:db9::1", false)]
    [InlineData("2001:db8::/32", "203.0.113.1", false)]
    [InlineData("0.0.0.0/0", "198.51.100.1", true)]
    [InlineData("127.0.0.1", "127.0.0.1", true)]
    public void Ranges_contain_what_they_should(string range, string address, bool expected)
    {
        Assert.True(IpRange.TryParse(range, out var parsed, out _));
        Assert.Equal(expected, parsed.Contains(System.Net.IPAddress.Parse(address)));
    }

    [Fact]
    public void Lockout_delay_doubles_from_the_threshold_and_is_capped()
    {
        var lockout = new LockoutSettings { Threshold = 5, BaseDelay = TimeSpan.FromMinutes(1), MaxDelay = TimeSpan.FromMinutes(10) };
        Assert.Equal(TimeSpan.FromMinutes(1), SignInService.LockoutDelay(lockout, 5));
        Assert.Equal(TimeSpan.FromMinutes(2), SignInService.LockoutDelay(lockout, 6));
        Assert.Equal(TimeSpan.FromMinutes(8), SignInService.LockoutDelay(lockout, 8));
        Assert.Equal(TimeSpan.FromMinutes(10), SignInService.LockoutDelay(lockout, 9));
        Assert.Equal(TimeSpan.FromMinutes(10), SignInService.LockoutDelay(lockout, 5000));
    }

    [Fact]
    public void Event_details_never_carry_secrets()
    {
        var json = SecurityEvents.SerializeDetails(new
        {
            reason = "wrong-password",
            password = "hunter2",
            newPassword = "hunter3",
            refreshToken = "rt",
            keyHash = "abc",
            clientSecret = "s",
            tokenId = "kept",
            nested = new { accessToken = "at", keyId = "kept-too" },
        });

        Assert.NotNull(json);
        var details = JsonSerializer.Deserialize<JsonElement>(json);
        Assert.Equal("wrong-password", details.GetProperty("reason").GetString());
        Assert.Equal("kept", details.GetProperty("tokenId").GetString());
        Assert.Equal("kept-too", details.GetProperty("nested").GetProperty("keyId").GetString());
        foreach (var secret in new[] { "hunter2", "hunter3", "\"rt\"", "abc", "\"s\"", "\"at\"" })
        {
            Assert.DoesNotContain(secret, json, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Reset_tokens_are_256_bit_base64url_and_stored_as_sha256_hex()
    {
        var token = PasswordResetTokens.Create();
        Assert.Equal(43, token.Length);
        Assert.Matches("^[A-Za-z0-9_-]+$", token);
        Assert.NotEqual(token, PasswordResetTokens.Create());
        var hash = PasswordResetTokens.Hash(token);
        Assert.Matches("^[0-9a-f]{64}$", hash);
        Assert.Equal(hash, PasswordResetTokens.Hash(token));
    }
}
