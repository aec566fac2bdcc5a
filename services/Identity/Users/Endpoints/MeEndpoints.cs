using System.Security.Claims;
using WakeDock.Identity.Defence;
using WakeDock.Identity.Model;

namespace WakeDock.Identity.Users.Endpoints;

/// <summary><c>/api/v1/auth/me</c>: the caller's own account.</summary>
public static class MeEndpoints
{
    public static async Task<IResult> GetAsync(ClaimsPrincipal principal, UserAccounts accounts, CancellationToken cancellationToken)
    {
        var caller = Caller.From(principal);
        var user = caller.UserId is { } id ? await accounts.FindByIdAsync(id, cancellationToken) : null;
        return user is null ? Problems.NotFound("User") : TypedResults.Ok(UserView.From(user));
    }

    public static async Task<IResult> UpdateAsync(
        UpdateProfileRequest request,
        ClaimsPrincipal principal,
        UserAccounts accounts,
        CancellationToken cancellationToken)
    {
        var caller = Caller.From(principal);
        if (caller.UserId is not { } id)
        {
            return Problems.NotFound("User");
        }

        var result = await accounts.UpdateProfileAsync(id, request.DisplayName, request.Email, cancellationToken);
        return result.Succeeded ? TypedResults.Ok(UserView.From(result.User!)) : Problems.From(result);
    }

    /// <summary>
    /// Changes the caller's password. Every other session ends (a thief's included); the caller's
    /// own session stays. A wrong current password is a 400 on <c>currentPassword</c>.
    /// </summary>
    public static async Task<IResult> ChangePasswordAsync(
        ChangePasswordRequest request,
        HttpContext context,
        UserAccounts accounts,
        ISecurityEvents securityEvents,
        CancellationToken cancellationToken)
    {
        var caller = Caller.From(context.User);
        var user = caller.UserId is { } id ? await accounts.FindByIdAsync(id, cancellationToken) : null;
        if (user is null)
        {
            return Problems.NotFound("User");
        }

        var errors = new FieldErrors();
        if (string.IsNullOrEmpty(request.CurrentPassword))
        {
            errors.Add("currentPassword", "The current password is required.");
        }
        else if (!(await accounts.VerifyPasswordAsync(user, request.CurrentPassword, cancellationToken)).Succeeded)
        {
            errors.Add("currentPassword", "The current password is not correct.");
        }
        else if (request.NewPassword == request.CurrentPassword)
        {
            errors.Add("newPassword", "The new password must differ from the current one.");
        }

        errors.AddRange("newPassword", accounts.CheckPassword(request.NewPassword, user.UserName));
        if (errors.Any)
        {
            return Problems.Invalid(errors.ToDictionary());
        }

        var result = await accounts.SetPasswordAsync(user.Id, request.NewPassword, caller.SessionId, "password-changed", cancellationToken);
        if (!result.Succeeded)
        {
            return Problems.From(result);
        }

        await securityEvents.RecordAsync(SecurityEventTypes.PasswordChanged, ClientInfo.From(context), user.Id, user.UserName,
            cancellationToken: cancellationToken);
        return TypedResults.NoContent();
    }
}
