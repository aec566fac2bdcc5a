namespace WakeDock.Identity.Model;

/// <summary>An admin-managed (or automatic) block or allow rule for an address or CIDR range.</summary>
public sealed class IpRule
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    /// <summary>An address (<c>203.0.113.7</c>) or a CIDR range (<c>203.0.113.0/24</c>, <c>2001:db8::/32</c>).</summary>
    public required string Range { get; set; }

    /// <summary><c>block</c> or <c>allow</c>; allow wins over block.</summary>
    public required string Kind { get; set; }

    public string? Reason { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Null for admin rules that last until removed; set for automatic blocks.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>Who created it; <c>system</c> for automatic blocks.</summary>
    public required string CreatedBy { get; set; }
}
