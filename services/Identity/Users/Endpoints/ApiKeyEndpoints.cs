using Microsoft.AspNetCore.Mvc;
using WakeDock.Identity.Defence;
using WakeDock.Identity.Model;
using WakeDock.ServiceDefaults.Security;

namespace WakeDock.Identity.Users.Endpoints;

/// <summary><c>/api/v1/auth/api-keys</c>: the caller's API keys (an admin may see and revoke everyone's).</summary>
public static class ApiKeyEndpoints
{
    public const int MaxExpiresInDays = 3650;
    private const string Target = "api-key";

    public static async Task<IResult> ListAsync(HttpContext context, ApiKeys apiKeys, [FromQuery] bool? all, CancellationToken cancellationToken)
    {
        var caller = Caller.From(context.User);
        if (all == true && !caller.IsAdmin)
        {
            return Problems.Forbidden("Only an admin can list everyone's API keys.");
        }

        if (all != true && caller.UserId is null)
        {
            return Problems.NotFound("User");
        }

        return TypedResults.Ok(await apiKeys.ListAsync(all == true ? null : caller.UserId, cancellationToken));
    }

    /// <summary>
    /// Creates a key with a role no higher than the caller's. Refused to API-key callers: a leaked
    /// key must not be able to mint keys that outlive its own revocation.
    /// </summary>
    public static async Task<IResult> CreateAsync(
        CreateApiKeyRequest request,
        HttpContext context,
        UserAccounts accounts,
        ApiKeys apiKeys,
        IAuditTrail audit,
        ISecurityEvents securityEvents,
        CancellationToken cancellationToken)
    {
        var caller = Caller.From(context.User);
        var name = request.Name?.Trim();
        var errors = new FieldErrors();
        errors.Add("name", string.IsNullOrEmpty(name) ? "The name is required."
            : name.Length > 100 || name.Any(char.IsControl) ? "The name must be at most 100 characters, without control characters." : null);
        errors.Add("role", UserInput.CheckRole(request.Role));
        errors.Add("expiresInDays", request.ExpiresInDays is < 1 or > MaxExpiresInDays
            ? $"The lifetime must be between 1 and {MaxExpiresInDays} days (or left out for a key that does not expire)." : null);
        if (errors.Any)
        {
            return Problems.Invalid(errors.ToDictionary());
        }

        if (caller.ApiKeyId is not null)
        {
            return Problems.Forbidden("API keys cannot create API keys; sign in with a password.");
        }

        if (!Roles.Includes(caller.Role, request.Role!))
        {
            return Problems.Forbidden($"You cannot create a key with the role '{request.Role}', which is higher than yours.");
        }

        var owner = caller.UserId is { } id ? await accounts.FindByIdAsync(id, cancellationToken) : null;
        if (owner is null || !owner.IsEnabled)
        {
            return Problems.NotFound("User");
        }

        var (key, secret) = await apiKeys.CreateAsync(owner, name!, request.Role!, request.ExpiresInDays, cancellationToken);
        var details = new { keyId = key.Id, key.Prefix, key.Name, key.Role, key.ExpiresAt };
        await audit.RecordAsync(context.User, AuditActions.ApiKeyCreate, Target, key.Id.ToString(), ClientInfo.From(context).IpAddress, details, cancellationToken);
        await securityEvents.RecordAsync(SecurityEventTypes.ApiKeyCreated, ClientInfo.From(context), owner.Id, owner.UserName, details, cancellationToken);
        return TypedResults.Created(
            $"/api/v1/auth/api-keys/{key.Id}",
            new CreatedApiKey(key.Id, key.Name, key.Prefix, key.Role, key.CreatedAt, key.ExpiresAt, secret));
    }

    /// <summary>Revokes a key: the owner's own, or anyone's for an admin. Someone else's key answers 404, not 403.</summary>
    public static async Task<IResult> RevokeAsync(
        Guid id,
        HttpContext context,
        ApiKeys apiKeys,
        UserAccounts accounts,
        IAuditTrail audit,
        ISecurityEvents securityEvents,
        CancellationToken cancellationToken)
    {
        var caller = Caller.From(context.User);
        var key = await apiKeys.FindActiveAsync(id, cancellationToken);
        if (key is null || (key.UserId != caller.UserId && !caller.IsAdmin) || !await apiKeys.RevokeAsync(id, cancellationToken))
        {
            return Problems.NotFound("API key");
        }

        var owner = await accounts.FindByIdAsync(key.UserId, cancellationToken);
        var details = new { keyId = key.Id, key.Prefix, key.Name, key.Role };
        await audit.RecordAsync(context.User, AuditActions.ApiKeyRevoke, Target, key.Id.ToString(), ClientInfo.From(context).IpAddress, details, cancellationToken);
        await securityEvents.RecordAsync(SecurityEventTypes.ApiKeyRevoked, ClientInfo.From(context), key.UserId, owner?.UserName,
            new { keyId = key.Id, key.Prefix, key.Name, key.Role, by = caller.Name }, cancellationToken);
        return TypedResults.NoContent();
    }
}
