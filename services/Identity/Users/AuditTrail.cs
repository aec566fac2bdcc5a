using System.Security.Claims;
using System.Text.Json;
using WakeDock.Identity.Infrastructure;
using WakeDock.Identity.Model;

namespace WakeDock.Identity.Users;

/// <summary>
/// Writes <see cref="AuditEntry"/> rows to <c>identity.audit_entries</c>. The actor comes from the
/// caller's <c>sub</c> and <c>name</c> claims; callers pass details that never hold a secret.
/// </summary>
public sealed class AuditTrail(IdentityDbContext db, TimeProvider time) : IAuditTrail
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task RecordAsync(
        ClaimsPrincipal actor,
        string action,
        string targetType,
        string? targetId,
        string? ipAddress,
        object? details = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var caller = Caller.From(actor);
        db.AuditEntries.Add(new AuditEntry
        {
            OccurredAt = time.GetUtcNow(),
            ActorId = caller.UserId,
            ActorName = Truncate(caller.Name, 64)!,
            Action = action,
            TargetType = targetType,
            TargetId = Truncate(targetId, 128),
            IpAddress = Truncate(ipAddress, 64),
            Details = details is null ? null : JsonSerializer.Serialize(details, Json),
        });
        await db.SaveChangesAsync(cancellationToken);
    }

    private static string? Truncate(string? value, int length) => value is null || value.Length <= length ? value : value[..length];
}

/// <summary>The audit actions WakeDock's Identity records.</summary>
public static class AuditActions
{
    public const string UserCreate = "user.create";
    public const string UserUpdate = "user.update";
    public const string UserDelete = "user.delete";
    public const string UserRoleChange = "user.role.change";
    public const string UserDisable = "user.disable";
    public const string UserEnable = "user.enable";
    public const string UserUnlock = "user.unlock";
    public const string ApiKeyCreate = "api-key.create";
    public const string ApiKeyRevoke = "api-key.revoke";
}
