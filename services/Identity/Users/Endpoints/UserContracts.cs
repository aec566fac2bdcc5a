using System.Text.Json;
using WakeDock.Identity.Model;

namespace WakeDock.Identity.Users.Endpoints;

/// <summary>A user as the API shows it (never the password hash).</summary>
public sealed record UserView(
    Guid Id,
    string UserName,
    string? Email,
    string? DisplayName,
    string Role,
    bool Enabled,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset PasswordChangedAt,
    DateTimeOffset? LastSignInAt,
    DateTimeOffset? LockedUntil,
    int FailedSignInCount)
{
    public static UserView From(User user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return new(user.Id, user.UserName, user.Email, user.DisplayName, user.Role, user.IsEnabled, user.CreatedAt,
            user.UpdatedAt, user.PasswordChangedAt, user.LastSignInAt, user.LockedUntil, user.FailedSignInCount);
    }
}

/// <summary>One page of a list: <see cref="Total"/> counts every match, not only this page.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, int Total, int Limit, int Offset);

/// <summary>Null leaves a field unchanged; an empty string clears it.</summary>
public sealed record UpdateProfileRequest(string? DisplayName, string? Email);

public sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword);

public sealed record CreateUserRequest(string? UserName, string? Email, string? DisplayName, string? Password, string? Role);

public sealed record ChangeRoleRequest(string? Role);

public sealed record CreateApiKeyRequest(string? Name, string? Role, int? ExpiresInDays);

/// <summary>A new API key; <see cref="Key"/> is shown this once and cannot be retrieved again.</summary>
public sealed record CreatedApiKey(Guid Id, string Name, string Prefix, string Role, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, string Key);

public sealed record AuditEntryView(
    Guid Id,
    DateTimeOffset OccurredAt,
    Guid? ActorId,
    string ActorName,
    string Action,
    string TargetType,
    string? TargetId,
    string? IpAddress,
    JsonElement? Details)
{
    public static AuditEntryView From(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        JsonElement? details = null;
        if (entry.Details is not null)
        {
            using var document = JsonDocument.Parse(entry.Details);
            details = document.RootElement.Clone();
        }

        return new(entry.Id, entry.OccurredAt, entry.ActorId, entry.ActorName, entry.Action, entry.TargetType, entry.TargetId, entry.IpAddress, details);
    }
}

/// <summary>RFC 7807 answers shared by the user endpoints.</summary>
internal static class Problems
{
    public static IResult NotFound(string what) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound, title: $"{what} not found", detail: $"No {what.ToLowerInvariant()} has that id.");

    public static IResult Conflict(string detail) => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict", detail: detail);

    public static IResult Forbidden(string detail) => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: detail);

    public static IResult Invalid(IDictionary<string, string[]> errors) => TypedResults.ValidationProblem(errors, title: "The request is not valid.");

    /// <summary>A failed <see cref="AccountResult"/> as 400, 404 or 409.</summary>
    public static IResult From(AccountResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Status switch
        {
            AccountStatus.NotFound => NotFound("User"),
            AccountStatus.Invalid => Invalid(new Dictionary<string, string[]>(result.Errors!)),
            AccountStatus.Conflict => Conflict(result.Detail!),
            _ => throw new InvalidOperationException("Not a failure"),
        };
    }
}
