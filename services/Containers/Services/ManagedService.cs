using WakeDock.Contracts.Services;

namespace WakeDock.Containers.Services;

/// <summary>
/// A managed service as stored in <c>containers.services</c>: a container definition with its
/// domains and wake-on-demand settings. Values here are validated and normalised
/// (see <see cref="ServiceValidator"/>); secret environment values are never shown by the API.
/// </summary>
public sealed class ManagedService
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public required string Name { get; set; }

    public required string Image { get; set; }

    public List<string> Command { get; set; } = [];

    public List<EnvironmentVariable> Environment { get; set; } = [];

    public List<PortSpec> Ports { get; set; } = [];

    public List<VolumeSpec> Volumes { get; set; } = [];

    public List<string> Networks { get; set; } = [];

    public Dictionary<string, string> Labels { get; set; } = [];

    public long? NanoCpus { get; set; }

    public long? MemoryBytes { get; set; }

    /// <summary><c>no</c>, <c>on-failure</c>, <c>on-failure:N</c>, <c>always</c> or <c>unless-stopped</c>.</summary>
    public string RestartPolicy { get; set; } = RestartPolicies.No;

    public HealthCheckSpec? HealthCheck { get; set; }

    /// <summary>In the order given; each domain belongs to one service (the primary key of <c>service_domains</c>).</summary>
    public List<ServiceDomain> Domains { get; set; } = [];

    public string WakePolicy { get; set; } = WakePolicies.OnDemand;

    public int IdleTimeoutSeconds { get; set; } = ServiceLimits.IdleTimeoutSeconds;

    public string LoadingStrategy { get; set; } = LoadingStrategies.Dynamic;

    public int BlockingTimeoutSeconds { get; set; } = ServiceLimits.BlockingTimeoutSeconds;

    public string Theme { get; set; } = Themes.Auto;

    /// <summary>Names of the services to wake first.</summary>
    public List<string> DependsOn { get; set; } = [];

    public string SleepMode { get; set; } = SleepModes.Stop;

    public string DesiredState { get; set; } = DesiredStates.Running;

    /// <summary>The state machine's state (see <see cref="ServiceStates"/>); driven by the engine, not the API.</summary>
    public string State { get; set; } = ServiceStates.Sleeping;

    // Settings that reach the host: only administrators may set them (see ServiceSafety).
    public bool Privileged { get; set; }

    public bool HostPid { get; set; }

    public bool HostNetwork { get; set; }

    public List<string> CapAdd { get; set; } = [];

    public List<string> Devices { get; set; } = [];

    public required string CreatedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public required string UpdatedBy { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>One domain of one service.</summary>
public sealed class ServiceDomain
{
    public required string Name { get; set; }

    public Guid ServiceId { get; set; }

    /// <summary>Keeps the order the user gave: the first domain is the primary one.</summary>
    public int Position { get; set; }
}

/// <summary>An environment variable as stored; <see cref="Secret"/> values are masked on every read.</summary>
public sealed record EnvironmentVariable(string Name, string Value, bool Secret);

/// <summary>A published port. The host address defaults to 127.0.0.1; no host port means Docker picks one.</summary>
public sealed record PortSpec
{
    public string? HostIp { get; init; }

    public int? HostPort { get; init; }

    public int? ContainerPort { get; init; }

    /// <summary><c>tcp</c> (default), <c>udp</c> or <c>sctp</c>.</summary>
    public string? Protocol { get; init; }
}

/// <summary>A named volume (<c>data</c>) or a bind mount (<c>/srv/data</c>) mounted at <see cref="Target"/>.</summary>
public sealed record VolumeSpec
{
    public string? Source { get; init; }

    public string? Target { get; init; }

    public bool ReadOnly { get; init; }

    /// <summary><c>volume</c> or <c>bind</c>, from the source (an absolute path is a bind mount).</summary>
    public string? Type { get; init; }
}

/// <summary>
/// Docker's own health check (<c>type: docker</c>: command, interval, timeout, retries) or an HTTP
/// probe WakeDock runs (<c>type: http</c>: path, port, expected status).
/// </summary>
public sealed record HealthCheckSpec
{
    public string? Type { get; init; }

    public List<string>? Command { get; init; }

    public string? Interval { get; init; }

    public string? Timeout { get; init; }

    public int? Retries { get; init; }

    public string? Path { get; init; }

    public int? Port { get; init; }

    public int? ExpectedStatus { get; init; }
}

public static class WakePolicies
{
    public const string AlwaysOn = "always-on";
    public const string OnDemand = "on-demand";
    public static readonly IReadOnlyList<string> All = [AlwaysOn, OnDemand];
}

public static class LoadingStrategies
{
    public const string Dynamic = "dynamic";
    public const string Blocking = "blocking";
    public static readonly IReadOnlyList<string> All = [Dynamic, Blocking];
}

public static class Themes
{
    public const string Light = "light";
    public const string Dark = "dark";
    public const string Auto = "auto";
    public static readonly IReadOnlyList<string> All = [Light, Dark, Auto];
}

public static class SleepModes
{
    public const string Stop = "stop";
    public const string Pause = "pause";
    public static readonly IReadOnlyList<string> All = [Stop, Pause];
}

public static class DesiredStates
{
    public const string Running = "running";
    public const string Stopped = "stopped";
    public static readonly IReadOnlyList<string> All = [Running, Stopped];
}

public static class RestartPolicies
{
    public const string No = "no";
    public const string OnFailure = "on-failure";
    public const string Always = "always";
    public const string UnlessStopped = "unless-stopped";
}

public static class HealthCheckTypes
{
    public const string Docker = "docker";
    public const string Http = "http";
}

/// <summary>Defaults and limits of the wake-on-demand settings.</summary>
public static class ServiceLimits
{
    public const int IdleTimeoutSeconds = 15 * 60;
    public const int MinIdleTimeoutSeconds = 30;
    public const int BlockingTimeoutSeconds = 60;
    public const int MaxBlockingTimeoutSeconds = 10 * 60;
}
