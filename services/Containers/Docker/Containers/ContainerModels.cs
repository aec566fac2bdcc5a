namespace WakeDock.Containers.Docker.Containers;

/// <summary>One row of <c>GET /api/v1/containers</c>.</summary>
public sealed record ContainerSummary(
    string Id,
    IReadOnlyList<string> Names,
    string Image,
    string ImageId,
    string Command,
    string State,
    string Status,
    DateTimeOffset Created,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyList<ContainerPort> Ports,
    bool Managed);

public sealed record ContainerPort(string? Ip, int PrivatePort, int? PublicPort, string Type);

/// <summary><c>GET /api/v1/containers/{id}</c>: what an operator needs from <c>docker inspect</c>.</summary>
public sealed record ContainerDetails(
    string Id,
    string Name,
    DateTimeOffset Created,
    string Image,
    string ImageId,
    string Path,
    IReadOnlyList<string> Args,
    long RestartCount,
    string? Platform,
    bool Managed,
    IReadOnlyDictionary<string, string> Labels,
    ContainerStateDetails State,
    ContainerConfigDetails Config,
    ContainerHostConfigDetails HostConfig,
    IReadOnlyList<ContainerMountDetails> Mounts,
    IReadOnlyDictionary<string, ContainerNetworkDetails> Networks,
    IReadOnlyDictionary<string, IReadOnlyList<ContainerPortBinding>> Ports);

public sealed record ContainerStateDetails(
    string Status,
    bool Running,
    bool Paused,
    bool Restarting,
    bool OomKilled,
    bool Dead,
    long Pid,
    long ExitCode,
    string? Error,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    ContainerHealth? Health);

/// <summary>Docker's health status (<c>starting</c>, <c>healthy</c>, <c>unhealthy</c>) and the last probes.</summary>
public sealed record ContainerHealth(string Status, long FailingStreak, IReadOnlyList<ContainerHealthProbe> Log);

public sealed record ContainerHealthProbe(DateTimeOffset Start, DateTimeOffset End, long ExitCode, string Output);

public sealed record ContainerConfigDetails(
    string? Hostname,
    string? User,
    IReadOnlyList<string> Env,
    IReadOnlyList<string> Cmd,
    IReadOnlyList<string> Entrypoint,
    string? WorkingDir,
    bool Tty,
    bool OpenStdin,
    IReadOnlyList<string> ExposedPorts,
    string? StopSignal,
    double? StopTimeoutSeconds,
    ContainerHealthcheck? Healthcheck);

public sealed record ContainerHealthcheck(
    IReadOnlyList<string> Test, double IntervalSeconds, double TimeoutSeconds, double StartPeriodSeconds, long Retries);

public sealed record ContainerHostConfigDetails(
    string? NetworkMode,
    string RestartPolicy,
    long MaximumRetryCount,
    bool AutoRemove,
    bool Privileged,
    bool ReadonlyRootfs,
    string? PidMode,
    string? IpcMode,
    IReadOnlyList<string> Binds,
    IReadOnlyList<string> CapAdd,
    IReadOnlyList<string> CapDrop,
    long MemoryBytes,
    double Cpus,
    long CpuShares,
    long? PidsLimit,
    string? LogDriver,
    IReadOnlyDictionary<string, IReadOnlyList<ContainerPortBinding>> PortBindings);

public sealed record ContainerMountDetails(
    string Type, string? Name, string? Source, string Destination, string? Driver, string? Mode, bool ReadWrite);

public sealed record ContainerNetworkDetails(
    string? NetworkId, string? IpAddress, string? Gateway, string? MacAddress, IReadOnlyList<string> Aliases);

public sealed record ContainerPortBinding(string? HostIp, string? HostPort);

/// <summary>
/// What a lifecycle action did: <see cref="Changed"/> is false when the container already was in
/// the wanted state (start of a running container, stop of a stopped one, pause of a paused one).
/// </summary>
public sealed record ContainerActionResult(string Id, string Action, bool Changed, string State);

public sealed record RenameContainerRequest(string? Name);

/// <summary>One log line: <c>stdout</c> or <c>stderr</c> (a TTY container has only <c>stdout</c>).</summary>
public sealed record ContainerLogLine(string Stream, DateTimeOffset? Time, string Text);

/// <summary>
/// <see cref="Truncated"/> says the answer stopped at the size limit: ask with a smaller
/// <c>tail</c> or a later <c>since</c>.
/// </summary>
public sealed record ContainerLogs(string Id, bool Tty, bool Truncated, IReadOnlyList<ContainerLogLine> Lines);

/// <summary><c>ps</c> inside the container: column titles and one row per process.</summary>
public sealed record ContainerProcesses(IReadOnlyList<string> Titles, IReadOnlyList<IReadOnlyList<string>> Processes);
