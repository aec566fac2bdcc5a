using WakeDock.Identity.Model;

namespace WakeDock.Identity.Defence;

/// <summary>Stores a security event in PostgreSQL and publishes <c>SecurityEventRecorded</c> on the bus.</summary>
public interface ISecurityEvents
{
    Task RecordAsync(
        string type,
        ClientInfo? client,
        Guid? userId = null,
        string? userName = null,
        object? details = null,
        CancellationToken cancellationToken = default);
}
