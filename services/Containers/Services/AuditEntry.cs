namespace WakeDock.Containers.Services;

/// <summary>An action on managed services worth keeping: who did what to which target, when and from where.</summary>
public sealed class AuditEntry
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public DateTimeOffset OccurredAt { get; set; }

    /// <summary>The caller's <c>sub</c> claim.</summary>
    public Guid? ActorId { get; set; }

    public required string ActorName { get; set; }

    /// <summary>See <see cref="AuditActions"/>.</summary>
    public required string Action { get; set; }

    public required string TargetType { get; set; }

    public string? TargetId { get; set; }

    public string? IpAddress { get; set; }

    /// <summary>What changed, as JSON (never a secret value).</summary>
    public string? Details { get; set; }
}

public static class AuditActions
{
    public const string ServiceCreate = "service.create";
    public const string ServiceUpdate = "service.update";
    public const string ServiceDelete = "service.delete";

    /// <summary>An administrator saved a service with settings that reach the host (see <see cref="ServiceSafety"/>).</summary>
    public const string ServiceElevated = "service.elevated-settings";
}
