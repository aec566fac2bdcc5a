using Microsoft.EntityFrameworkCore;
using Npgsql;
using WakeDock.Identity.Model;

namespace WakeDock.Identity.Users;

public enum AccountStatus
{
    Succeeded,

    /// <summary>No such user.</summary>
    NotFound,

    /// <summary>The input broke a rule; <see cref="AccountResult.Errors"/> says which fields.</summary>
    Invalid,

    /// <summary>A name or email is taken, or the change would lock everyone out; <see cref="AccountResult.Detail"/> says why.</summary>
    Conflict,
}

/// <summary>The outcome of an account operation, for the API to map to 200/400/404/409.</summary>
public sealed record AccountResult(
    AccountStatus Status,
    User? User = null,
    IReadOnlyDictionary<string, string[]>? Errors = null,
    string? Detail = null)
{
    public bool Succeeded => Status == AccountStatus.Succeeded;

    public static AccountResult Ok(User user) => new(AccountStatus.Succeeded, user);

    public static AccountResult NotFound() => new(AccountStatus.NotFound);

    public static AccountResult Invalid(IReadOnlyDictionary<string, string[]> errors) => new(AccountStatus.Invalid, Errors: errors);

    public static AccountResult Conflict(string detail) => new(AccountStatus.Conflict, Detail: detail);

    /// <summary>Maps a unique-index violation on <c>users</c> to a conflict naming the field.</summary>
    internal static AccountResult? FromUniqueViolation(DbUpdateException exception)
        => exception.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } violation
            ? Conflict(violation.ConstraintName == "ix_users_email"
                ? "That email address is already used by another account."
                : "That user name is taken.")
            : null;
}

/// <summary>What <see cref="UserAccounts.VerifyPasswordAsync"/> found.</summary>
/// <param name="Succeeded">The password matches.</param>
/// <param name="Rehashed">It matched an outdated hash format or cost, and the stored hash was upgraded.</param>
public sealed record PasswordVerification(bool Succeeded, bool Rehashed);

/// <summary>A new account as asked for; validated and normalised by <see cref="UserAccounts.CreateAsync"/>.</summary>
public sealed record NewUser(string? UserName, string? Email, string? DisplayName, string? Password, string? Role);
