using WakeDock.Identity.Users;

namespace WakeDock.Identity.Tests.Users;

public sealed class PasswordPolicyTests
{
    private static readonly PasswordPolicy Policy = new(new IdentitySettings());

    [Theory]
    [InlineData("correct horse battery staple")]
    [InlineData("Tr0ub4dor&3-extended")]
    [InlineData("plum-orbit-canal-42")]
    [InlineData("ünïcödé pässwörd ok")]
    public void A_long_unpredictable_password_is_accepted(string password)
        => Assert.Empty(Policy.Validate(password, "alice"));

    [Theory]
    [InlineData(null, "required")]
    [InlineData("", "required")]
    [InlineData("short-1A!", "at least 12")]
    [InlineData("111111111111", "single repeated")]
    [InlineData("123498761234", "only digits")]
    [InlineData("password1234", "too common")]
    [InlineData("Password2024!!", "too common")]
    [InlineData("P@ssw0rd123456", "too common")]
    [InlineData("adminadminadmin", "too common")]
    [InlineData("abcdefghijklmn", "too common")]
    [InlineData("qwertyuiop12", "too common")]
    [InlineData("WakeDock2026!", "too common")]
    public void A_weak_password_is_refused_with_a_clear_reason(string? password, string reason)
    {
        var problems = Policy.Validate(password, "alice");
        Assert.Contains(problems, problem => problem.Contains(reason, StringComparison.Ordinal));
    }

    [Fact]
    public void A_password_containing_the_user_name_is_refused_whatever_the_case()
        => Assert.Contains("The password must not contain the user name.", Policy.Validate("my-Alice-is-great-9", "alice"));

    [Fact]
    public void Length_limits_come_from_the_settings()
    {
        var policy = new PasswordPolicy(new IdentitySettings { Passwords = { MinLength = 16, MaxLength = 20 } });
        Assert.Contains("The password must be at least 16 characters long.", policy.Validate("plum-orbit-cana", "bob"));
        Assert.Empty(policy.Validate("plum-orbit-canal", "bob"));
        Assert.Contains("The password must be at most 20 characters long.", policy.Validate("plum-orbit-canal-river", "bob"));
    }

    [Fact]
    public void The_default_maximum_is_128()
    {
        Assert.Empty(Policy.Validate("plum-orbit-" + new string('x', 110) + "-canal", "bob"));
        Assert.Contains("The password must be at most 128 characters long.", Policy.Validate("plum-orbit-" + new string('x', 120) + "-canal", "bob"));
    }

    [Theory]
    [InlineData("Hunter2Hunter2!")]
    [InlineData("short-1A!")]
    [InlineData("password1234")]
    public void Messages_never_echo_the_password(string password)
    {
        foreach (var problem in Policy.Validate(password, "carol"))
        {
            Assert.DoesNotContain(password, problem, StringComparison.OrdinalIgnoreCase);
        }
    }
}
