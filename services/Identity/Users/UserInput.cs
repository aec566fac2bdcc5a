using System.Net.Mail;
using System.Text.RegularExpressions;
using WakeDock.ServiceDefaults.Security;

namespace WakeDock.Identity.Users;

/// <summary>
/// Normalises and checks what people type for accounts. Names and emails are stored lower-case
/// so that uniqueness and sign-in are case-insensitive without special collations.
/// </summary>
public static partial class UserInput
{
    public const int DisplayNameMaxLength = 128;
    public const int EmailMaxLength = 254;

    public static string NormalizeUserName(string userName)
    {
        ArgumentNullException.ThrowIfNull(userName);
        return userName.Trim().ToLowerInvariant();
    }

    public static string? NormalizeEmail(string? email)
        => string.IsNullOrWhiteSpace(email) ? null : email.Trim().ToLowerInvariant();

    /// <summary>Problems with a (normalised) user name: 3–64 characters of a–z, 0–9, '.', '_' and '-'.</summary>
    public static string? CheckUserName(string? userName)
    {
        if (string.IsNullOrWhiteSpace(userName))
        {
            return "The user name is required.";
        }

        return UserNamePattern().IsMatch(userName)
            ? null
            : "The user name must be 3 to 64 characters of a-z, 0-9, '.', '_' and '-'.";
    }

    /// <summary>Problems with a (normalised, non-null) email address.</summary>
    public static string? CheckEmail(string email)
    {
        ArgumentNullException.ThrowIfNull(email);
        if (email.Length > EmailMaxLength)
        {
            return $"The email address must be at most {EmailMaxLength} characters.";
        }

        // MailAddress accepts display-name forms ("Bob <b@x>"); demand that it parsed to exactly the input.
        var valid = MailAddress.TryCreate(email, out var parsed)
            && parsed.Address == email
            && parsed.Host.Contains('.', StringComparison.Ordinal)
            && !email.Any(char.IsWhiteSpace);
        return valid ? null : "The email address is not valid.";
    }

    public static string? CheckDisplayName(string displayName)
    {
        ArgumentNullException.ThrowIfNull(displayName);
        if (displayName.Length > DisplayNameMaxLength)
        {
            return $"The display name must be at most {DisplayNameMaxLength} characters.";
        }

        return displayName.Any(char.IsControl) ? "The display name must not contain control characters." : null;
    }

    public static string? CheckRole(string? role)
        => Roles.IsValid(role) ? null : $"The role must be one of: {string.Join(", ", Roles.All)}.";

    /// <summary>Null stays null (unchanged); blank becomes empty (cleared); otherwise trimmed.</summary>
    public static string? TrimOrEmpty(string? value) => value is null ? null : value.Trim();

    [GeneratedRegex("^[a-z0-9._-]{3,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex UserNamePattern();
}
