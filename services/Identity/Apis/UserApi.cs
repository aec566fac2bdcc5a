using WakeDock.Identity.Users;
using WakeDock.Identity.Users.Endpoints;
using WakeDock.ServiceDefaults.Security;

namespace WakeDock.Identity.Apis;

/// <summary>
/// Users and accounts: the caller's own account (<c>/api/v1/auth/me</c>), API keys
/// (<c>/api/v1/auth/api-keys</c>), user administration (<c>/api/v1/users</c>) and the audit trail
/// (<c>/api/v1/audit</c>). Handlers live in <see cref="WakeDock.Identity.Users.Endpoints"/>.
/// </summary>
public static class UserApi
{
    public static IEndpointRouteBuilder MapUserApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);

        var me = endpoints.MapGroup("/api/v1/auth/me").WithTags("Me").RequireAuthorization(WakeDockPolicies.Viewer);
        me.MapGet("/", MeEndpoints.GetAsync).WithName("GetMe").WithSummary("The caller's account");
        me.MapPatch("/", MeEndpoints.UpdateAsync).WithName("UpdateMe").WithSummary("Change the caller's display name or email")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        me.MapPost("/password", MeEndpoints.ChangePasswordAsync).WithName("ChangeMyPassword")
            .WithSummary("Change the caller's password; ends every other session").ProducesValidationProblem();

        var keys = endpoints.MapGroup("/api/v1/auth/api-keys").WithTags("API keys").RequireAuthorization(WakeDockPolicies.Viewer);
        keys.MapGet("/", ApiKeyEndpoints.ListAsync).WithName("ListApiKeys").WithSummary("The caller's API keys (all=true: everyone's, admin only)");
        keys.MapPost("/", ApiKeyEndpoints.CreateAsync).WithName("CreateApiKey")
            .WithSummary("Create an API key; the key is shown once").ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden);
        keys.MapDelete("/{id:guid}", ApiKeyEndpoints.RevokeAsync).WithName("RevokeApiKey").WithSummary("Revoke an API key")
            .ProducesProblem(StatusCodes.Status404NotFound);

        var users = endpoints.MapGroup("/api/v1/users").WithTags("Users").RequireAuthorization(WakeDockPolicies.Admin);
        users.MapGet("/", UserEndpoints.ListAsync).WithName("ListUsers").WithSummary("Users, filtered by role, enabled and search text, paged");
        users.MapPost("/", UserEndpoints.CreateAsync).WithName("CreateUser").WithSummary("Create a user")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        users.MapGet("/{id:guid}", UserEndpoints.GetAsync).WithName("GetUser").WithSummary("One user")
            .ProducesProblem(StatusCodes.Status404NotFound);
        users.MapPatch("/{id:guid}", UserEndpoints.UpdateAsync).WithName("UpdateUser").WithSummary("Change a user's display name or email")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        users.MapDelete("/{id:guid}", UserEndpoints.DeleteAsync).WithName("DeleteUser")
            .WithSummary("Delete a user (not yourself, not the last enabled admin)").ProducesProblem(StatusCodes.Status409Conflict);
        users.MapPut("/{id:guid}/role", UserEndpoints.ChangeRoleAsync).WithName("ChangeUserRole")
            .WithSummary("Change a user's role (not demoting the last enabled admin)").ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        users.MapPost("/{id:guid}/disable", UserEndpoints.DisableAsync).WithName("DisableUser")
            .WithSummary("Disable a user: sessions end, API keys stop working").ProducesProblem(StatusCodes.Status409Conflict);
        users.MapPost("/{id:guid}/enable", UserEndpoints.EnableAsync).WithName("EnableUser").WithSummary("Enable a user");
        users.MapPost("/{id:guid}/unlock", UserEndpoints.UnlockAsync).WithName("UnlockUser").WithSummary("Clear a user's sign-in lockout");

        endpoints.MapGet("/api/v1/audit", AuditEndpoints.ListAsync).WithTags("Audit").RequireAuthorization(WakeDockPolicies.Admin)
            .WithName("ListAuditEntries").WithSummary("The audit trail of administrative actions, newest first");
        return endpoints;
    }
}
