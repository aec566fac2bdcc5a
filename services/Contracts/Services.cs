namespace WakeDock.Contracts.Services;

/// <summary>The states of a managed service's wake/sleep state machine, as they travel on the bus.</summary>
public static class ServiceStates
{
    /// <summary>No container runs (stopped or paused); the next request for a domain wakes it.</summary>
    public const string Sleeping = "Sleeping";

    /// <summary>Starting, or started and not healthy yet.</summary>
    public const string Waking = "Waking";

    /// <summary>Running and healthy (Docker health status or the HTTP probe): requests are proxied.</summary>
    public const string Ready = "Ready";

    /// <summary>Running, but the health check fails.</summary>
    public const string Unhealthy = "Unhealthy";

    /// <summary>Being put to sleep.</summary>
    public const string Stopping = "Stopping";

    /// <summary>Could not be started (exited at once, image missing, engine error).</summary>
    public const string Failed = "Failed";

    public static readonly IReadOnlyList<string> All = [Sleeping, Waking, Ready, Unhealthy, Stopping, Failed];
}

/// <summary>A managed service moved from <paramref name="PreviousState"/> to <paramref name="State"/> (see <see cref="ServiceStates"/>).</summary>
/// <param name="Domains">The service's domains, so the Gateway can update its routing without a lookup.</param>
/// <param name="Reason">Why, e.g. <c>wake requested</c>, <c>idle timeout</c>, <c>health check failed</c>.</param>
public sealed record ServiceStateChanged(
    Guid ServiceId,
    string Name,
    IReadOnlyList<string> Domains,
    string PreviousState,
    string State,
    string? Reason,
    DateTimeOffset OccurredAt);

/// <summary>A container changed state in the engine (from Docker's event stream).</summary>
/// <param name="ServiceId">The managed service the container belongs to (its <c>wakedock.service-id</c> label), if any.</param>
/// <param name="Action">Docker's event action: <c>start</c>, <c>die</c>, <c>health_status: healthy</c>, …</param>
/// <param name="State">The container's state after the event: <c>running</c>, <c>exited</c>, <c>paused</c>, …</param>
public sealed record ContainerStateChanged(
    string ContainerId,
    string ContainerName,
    Guid? ServiceId,
    string Action,
    string State,
    DateTimeOffset OccurredAt);

/// <summary>Command: wake a service (and its dependencies first). Names it by id or, when the id is unknown, by name.</summary>
/// <param name="RequestedBy">Who asked: <c>gateway</c> (a request for a domain), a user name, …</param>
public sealed record WakeService(
    Guid? ServiceId,
    string? Name,
    string RequestedBy,
    DateTimeOffset RequestedAt);

/// <summary>Command: put a service to sleep (stop, or pause when its sleep mode says so). Names it by id or by name.</summary>
/// <param name="Reason">Why, e.g. <c>idle timeout</c> or <c>manual</c>.</param>
public sealed record SleepService(
    Guid? ServiceId,
    string? Name,
    string? Reason,
    string RequestedBy,
    DateTimeOffset RequestedAt);
