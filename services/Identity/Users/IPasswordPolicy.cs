namespace WakeDock.Identity.Users;

/// <summary>Checks a new password; answers the problems (empty when acceptable), never the password.</summary>
public interface IPasswordPolicy
{
    IReadOnlyList<string> Validate(string? password, string? userName);
}
