using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using WakeDock.Identity.Defence;
using WakeDock.Identity.Infrastructure;
using WakeDock.Identity.Model;

namespace WakeDock.Identity.Users.Endpoints;

/// <summary><c>/api/v1/users</c>: account administration (admin only); every change is audited.</summary>
public static class UserEndpoints
{
    public const int MaxPageSize = 200;
    private const string Target = "user";

    public static async Task<IResult> ListAsync(
        IdentityDbContext db,
        [FromQuery] string? role,
        [FromQuery] bool? enabled,
        [FromQuery] string? search,
        [FromQuery] int? limit,
        [FromQuery] int? offset,
        CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        errors.Add("role", role is null ? null : UserInput.CheckRole(role));
        errors.Add("limit", limit is < 1 or > MaxPageSize ? $"The limit must be between 1 and {MaxPageSize}." : null);
        errors.Add("offset", offset is < 0 ? "The offset must not be negative." : null);
        errors.Add("search", search is { Length: > 100 } ? "The search text must be at most 100 characters." : null);
        if (errors.Any)
        {
            return Problems.Invalid(errors.ToDictionary());
        }

        var query = db.Users.AsNoTracking();
        if (role is not null)
        {
            query = query.Where(u => u.Role == role);
        }

        if (enabled is { } isEnabled)
        {
            query = query.Where(u => u.IsEnabled == isEnabled);
        }

        if (!string.IsNullOrWhiteSpace(search))
        {
            var pattern = "%" + EscapeLike(search.Trim()) + "%";
            query = query.Where(u => EF.Functions.ILike(u.UserName, pattern, "\\")
                || (u.Email != null && EF.Functions.ILike(u.Email, pattern, "\\"))
                || (u.DisplayName != null && EF.Functions.ILike(u.DisplayName, pattern, "\\")));
        }

        var take = limit ?? 50;
        var skip = offset ?? 0;
        var total = await query.CountAsync(cancellationToken);
        var users = await query.OrderBy(u => u.UserName).Skip(skip).Take(take).ToListAsync(cancellationToken);
        return TypedResults.Ok(new Page<UserView>([.. users.Select(UserView.From)], total, take, skip));
    }

    public static async Task<IResult> GetAsync(Guid id, UserAccounts accounts, CancellationToken cancellationToken)
        => await accounts.FindByIdAsync(id, cancellationToken) is { } user ? TypedResults.Ok(UserView.From(user)) : Problems.NotFound("User");

    public static async Task<IResult> CreateAsync(
        CreateUserRequest request,
        HttpContext context,
        UserAccounts accounts,
        IAuditTrail audit,
        CancellationToken cancellationToken)
    {
        var result = await accounts.CreateAsync(
            new NewUser(request.UserName, request.Email, request.DisplayName, request.Password, request.Role), cancellationToken);
        if (!result.Succeeded)
        {
            return Problems.From(result);
        }

        var user = result.User!;
        await AuditAsync(context, audit, AuditActions.UserCreate, user, new { user.UserName, user.Email, user.Role }, cancellationToken);
        return TypedResults.Created($"/api/v1/users/{user.Id}", UserView.From(user));
    }

    public static async Task<IResult> UpdateAsync(
        Guid id,
        UpdateProfileRequest request,
        HttpContext context,
        UserAccounts accounts,
        IAuditTrail audit,
        CancellationToken cancellationToken)
    {
        var result = await accounts.UpdateProfileAsync(id, request.DisplayName, request.Email, cancellationToken);
        if (!result.Succeeded)
        {
            return Problems.From(result);
        }

        await AuditAsync(context, audit, AuditActions.UserUpdate, result.User!, new { request.DisplayName, request.Email }, cancellationToken);
        return TypedResults.Ok(UserView.From(result.User!));
    }

    public static async Task<IResult> DeleteAsync(
        Guid id,
        HttpContext context,
        UserAdministration administration,
        IAuditTrail audit,
        CancellationToken cancellationToken)
    {
        var result = await administration.DeleteAsync(id, Caller.From(context.User).UserId, cancellationToken);
        if (!result.Succeeded)
        {
            return Problems.From(result);
        }

        await AuditAsync(context, audit, AuditActions.UserDelete, result.User!, new { result.User!.UserName, result.User.Role }, cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>Changes a user's role; the user's sessions end so that no token keeps the old role.</summary>
    public static async Task<IResult> ChangeRoleAsync(
        Guid id,
        ChangeRoleRequest request,
        HttpContext context,
        UserAdministration administration,
        IAuditTrail audit,
        ISecurityEvents securityEvents,
        CancellationToken cancellationToken)
    {
        if (UserInput.CheckRole(request.Role) is { } problem)
        {
            return Problems.Invalid(FieldErrors.One("role", problem));
        }

        var (result, previous) = await administration.ChangeRoleAsync(id, request.Role!, cancellationToken);
        if (!result.Succeeded)
        {
            return Problems.From(result);
        }

        var user = result.User!;
        if (previous != user.Role)
        {
            var caller = Caller.From(context.User);
            var details = new { from = previous, to = user.Role };
            await AuditAsync(context, audit, AuditActions.UserRoleChange, user, details, cancellationToken);
            await securityEvents.RecordAsync(SecurityEventTypes.RoleChanged, ClientInfo.From(context), user.Id, user.UserName,
                new { from = previous, to = user.Role, by = caller.Name }, cancellationToken);
        }

        return TypedResults.Ok(UserView.From(user));
    }

    public static Task<IResult> DisableAsync(Guid id, HttpContext context, UserAdministration administration, IAuditTrail audit, CancellationToken cancellationToken)
        => ApplyAsync(context, audit, AuditActions.UserDisable, administration.DisableAsync(id, Caller.From(context.User).UserId, cancellationToken), cancellationToken);

    public static Task<IResult> EnableAsync(Guid id, HttpContext context, UserAdministration administration, IAuditTrail audit, CancellationToken cancellationToken)
        => ApplyAsync(context, audit, AuditActions.UserEnable, administration.EnableAsync(id, cancellationToken), cancellationToken);

    public static Task<IResult> UnlockAsync(Guid id, HttpContext context, UserAdministration administration, IAuditTrail audit, CancellationToken cancellationToken)
        => ApplyAsync(context, audit, AuditActions.UserUnlock, administration.UnlockAsync(id, cancellationToken), cancellationToken);

    private static async Task<IResult> ApplyAsync(HttpContext context, IAuditTrail audit, string action, Task<AccountResult> operation, CancellationToken cancellationToken)
    {
        var result = await operation;
        if (!result.Succeeded)
        {
            return Problems.From(result);
        }

        await AuditAsync(context, audit, action, result.User!, new { result.User!.UserName }, cancellationToken);
        return TypedResults.Ok(UserView.From(result.User));
    }

    private static Task AuditAsync(HttpContext context, IAuditTrail audit, string action, User user, object details, CancellationToken cancellationToken)
        => audit.RecordAsync(context.User, action, Target, user.Id.ToString(), ClientInfo.From(context).IpAddress, details, cancellationToken);

    private static string EscapeLike(string text)
        => text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}
