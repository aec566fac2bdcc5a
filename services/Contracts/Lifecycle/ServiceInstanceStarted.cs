namespace WakeDock.Contracts.Lifecycle;

/// <summary>
/// Published by every WakeDock service once it is up and connected to the bus, so Monitoring
/// knows which instances exist (and can tell a restart from a new replica).
/// </summary>
/// <param name="Service">The service's resource name, e.g. <c>identity</c>.</param>
/// <param name="InstanceId">Unique per process start.</param>
/// <param name="Version">The service's product version.</param>
/// <param name="HostName">The machine the instance runs on.</param>
/// <param name="StartedAt">When the process started.</param>
public sealed record ServiceInstanceStarted(
    string Service,
    string InstanceId,
    string Version,
    string HostName,
    DateTimeOffset StartedAt);
