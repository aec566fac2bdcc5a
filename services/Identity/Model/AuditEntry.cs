namespace WakeDock.Identity.Model;

/// <summary>An administrative action: who did what to which target, when and from where.</summary>
public sealed class AuditEntry
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public DateTimeOffset OccurredAt { get; set; }

    public Guid? ActorId { get; set; }

    public required string ActorName { get; set; }

    /// <summary>e.g. <c>user.create</c>, <c>user.role.change</c>, <c>ip-rule.create</c>.</summary>
    public required string Action { get; set; }

    public required string TargetType { get; set; }

    public string? TargetId { get; set; }

    public string? IpAddress { get; set; }

    /// <summary>What changed, as JSON (never a secret).</summary>
    public string? Details { get; set; }
}
