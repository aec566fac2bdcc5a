namespace WakeDock.Identity.Users;

/// <summary>
/// NIST-style rules: length (from <see cref="PasswordPolicySettings"/>), not the account's name,
/// not one repeated character, digits only or a keyboard run, and not one of the most common
/// passwords (or one of their words padded with digits and symbols). No composition rules:
/// they make passwords harder to remember, not stronger.
/// </summary>
public sealed class PasswordPolicy(IdentitySettings settings) : IPasswordPolicy
{
    // The most common passwords (and the words they are built on) that could reach 12 characters.
    private static readonly HashSet<string> CommonPasswords = new(StringComparer.OrdinalIgnoreCase)
    {
        "password1234", "password12345", "password123!", "passwordpassword", "password1234567",
        "qwertyuiop12", "qwerty123456", "1q2w3e4r5t6y", "1qaz2wsx3edc", "qazwsxedcrfv", "asdfghjkl123",
        "iloveyou1234", "letmein12345", "changeme1234", "welcome12345", "administrator", "trustno1trustno1",
        "football1234", "baseball1234", "superman1234", "sunshine1234", "princess1234", "starwars1234",
        "abcdefghijkl", "abcd1234abcd", "zaq12wsxcde3", "monkey123456", "dragon123456", "master123456",
    };

    private static readonly string[] CommonWords =
    [
        "password", "passw0rd", "p@ssword", "p@ssw0rd", "qwerty", "letmein", "welcome", "changeme", "admin",
        "administrator", "iloveyou", "wakedock", "docker", "secret", "default", "root", "login", "test",
    ];

    private static readonly string[] Runs = ["0123456789", "abcdefghijklmnopqrstuvwxyz", "qwertyuiop", "asdfghjkl", "zxcvbnm"];

    public IReadOnlyList<string> Validate(string? password, string? userName)
    {
        var rules = settings.Passwords;
        if (string.IsNullOrEmpty(password))
        {
            return ["A password is required."];
        }

        var problems = new List<string>();
        if (password.Length < rules.MinLength)
        {
            problems.Add($"The password must be at least {rules.MinLength} characters long.");
        }

        if (password.Length > rules.MaxLength)
        {
            // Also a denial-of-service guard: hashing cost grows with input length.
            problems.Add($"The password must be at most {rules.MaxLength} characters long.");
        }

        var name = userName?.Trim();
        if (!string.IsNullOrEmpty(name) && name.Length >= 3 && password.Contains(name, StringComparison.OrdinalIgnoreCase))
        {
            problems.Add("The password must not contain the user name.");
        }

        if (password.All(c => c == password[0]))
        {
            problems.Add("The password must not be a single repeated character.");
        }
        else if (password.All(char.IsAsciiDigit))
        {
            problems.Add("The password must not be only digits.");
        }
        else if (IsCommon(password))
        {
            problems.Add("The password is too common; choose a longer, less predictable one (a few unrelated words work well).");
        }

        return problems;
    }

    private static bool IsCommon(string password)
    {
        if (CommonPasswords.Contains(password))
        {
            return true;
        }

        // "Password2024!!", "Welcome123456": a common word padded with digits and symbols.
        var core = password.Trim().TrimEnd("0123456789!@#$%^&*?.-_ ".ToCharArray()).TrimStart("0123456789!@#$%^&*?.-_ ".ToCharArray());
        if (core.Length == 0 || CommonWords.Any(word => core.Equals(word, StringComparison.OrdinalIgnoreCase)))
        {
            return true;
        }

        // Repeats of a common word ("adminadminadmin") or a keyboard/alphabet run ("abcdefghijklmn").
        var lower = password.ToLowerInvariant();
        if (CommonWords.Any(word => lower.Replace(word, string.Empty, StringComparison.Ordinal).Length == 0))
        {
            return true;
        }

        return Runs.Any(run => run.Contains(lower, StringComparison.Ordinal) || Reverse(run).Contains(lower, StringComparison.Ordinal));
    }

    private static string Reverse(string value)
    {
        var chars = value.ToCharArray();
        Array.Reverse(chars);
        return new string(chars);
    }
}
