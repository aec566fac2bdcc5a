using System.Text.Json.Serialization;

namespace WakeDock.Containers.Services;

/// <summary>
/// A service as the API takes it (POST, PUT, and the result of a PATCH merge). Everything but
/// <see cref="Name"/> and <see cref="Image"/> has a default. The answer (<see cref="ServiceView"/>)
/// has the same fields, so what GET returns can be sent back with PUT unchanged.
/// </summary>
public record ServiceDefinition
{
    public string? Name { get; init; }

    public string? Image { get; init; }

    public List<string>? Command { get; init; }

    /// <summary>Name → value; a <c>secret</c> value reads back as <see cref="ServiceView.Mask"/>, and sending the mask keeps it.</summary>
    public Dictionary<string, EnvironmentValue?>? Environment { get; init; }

    public List<PortSpec>? Ports { get; init; }

    public List<VolumeSpec>? Volumes { get; init; }

    public List<string>? Networks { get; init; }

    public Dictionary<string, string?>? Labels { get; init; }

    /// <summary>CPUs, e.g. 0.5 (stored as Docker's nano CPUs).</summary>
    public decimal? Cpus { get; init; }

    /// <summary>e.g. <c>256m</c>, <c>1g</c>, or bytes.</summary>
    public string? Memory { get; init; }

    public string? RestartPolicy { get; init; }

    public HealthCheckSpec? HealthCheck { get; init; }

    public List<string>? Domains { get; init; }

    public string? WakePolicy { get; init; }

    /// <summary>e.g. <c>15m</c>; at least 30 s.</summary>
    public string? IdleTimeout { get; init; }

    public string? LoadingStrategy { get; init; }

    public string? BlockingTimeout { get; init; }

    public string? Theme { get; init; }

    public List<string>? DependsOn { get; init; }

    public string? SleepMode { get; init; }

    public string? DesiredState { get; init; }

    public bool? Privileged { get; init; }

    public bool? HostPid { get; init; }

    public bool? HostNetwork { get; init; }

    public List<string>? CapAdd { get; init; }

    public List<string>? Devices { get; init; }
}

public sealed record EnvironmentValue(string? Value, bool Secret = false);

/// <summary>A stored service as the API answers it: secrets masked, plus identity, state and history.</summary>
public sealed record ServiceView : ServiceDefinition
{
    /// <summary>What a secret environment value reads as.</summary>
    public const string Mask = "********";

    [JsonPropertyOrder(-1)]
    public Guid Id { get; init; }

    [JsonPropertyOrder(1)]
    public long? NanoCpus { get; init; }

    [JsonPropertyOrder(1)]
    public long? MemoryBytes { get; init; }

    [JsonPropertyOrder(1)]
    public int IdleTimeoutSeconds { get; init; }

    [JsonPropertyOrder(1)]
    public int BlockingTimeoutSeconds { get; init; }

    [JsonPropertyOrder(1)]
    public string State { get; init; } = "";

    [JsonPropertyOrder(1)]
    public string CreatedBy { get; init; } = "";

    [JsonPropertyOrder(1)]
    public DateTimeOffset CreatedAt { get; init; }

    [JsonPropertyOrder(1)]
    public string UpdatedBy { get; init; } = "";

    [JsonPropertyOrder(1)]
    public DateTimeOffset UpdatedAt { get; init; }

    public static ServiceView From(ManagedService service, bool maskSecrets = true)
    {
        ArgumentNullException.ThrowIfNull(service);
        return new ServiceView
        {
            Id = service.Id,
            Name = service.Name,
            Image = service.Image,
            Command = [.. service.Command],
            Environment = service.Environment.ToDictionary(
                variable => variable.Name,
                variable => (EnvironmentValue?)new EnvironmentValue(variable.Secret && maskSecrets ? Mask : variable.Value, variable.Secret),
                StringComparer.Ordinal),
            Ports = [.. service.Ports],
            Volumes = [.. service.Volumes],
            Networks = [.. service.Networks],
            Labels = service.Labels.ToDictionary(pair => pair.Key, pair => (string?)pair.Value, StringComparer.Ordinal),
            Cpus = service.NanoCpus is { } nano ? Quantities.FromNanoCpus(nano) : null,
            NanoCpus = service.NanoCpus,
            Memory = service.MemoryBytes is { } bytes ? Quantities.FormatMemory(bytes) : null,
            MemoryBytes = service.MemoryBytes,
            RestartPolicy = service.RestartPolicy,
            HealthCheck = service.HealthCheck,
            Domains = [.. service.Domains.OrderBy(d => d.Position).Select(d => d.Name)],
            WakePolicy = service.WakePolicy,
            IdleTimeout = Durations.Format(TimeSpan.FromSeconds(service.IdleTimeoutSeconds)),
            IdleTimeoutSeconds = service.IdleTimeoutSeconds,
            LoadingStrategy = service.LoadingStrategy,
            BlockingTimeout = Durations.Format(TimeSpan.FromSeconds(service.BlockingTimeoutSeconds)),
            BlockingTimeoutSeconds = service.BlockingTimeoutSeconds,
            Theme = service.Theme,
            DependsOn = [.. service.DependsOn],
            SleepMode = service.SleepMode,
            DesiredState = service.DesiredState,
            Privileged = service.Privileged,
            HostPid = service.HostPid,
            HostNetwork = service.HostNetwork,
            CapAdd = [.. service.CapAdd],
            Devices = [.. service.Devices],
            State = service.State,
            CreatedBy = service.CreatedBy,
            CreatedAt = service.CreatedAt,
            UpdatedBy = service.UpdatedBy,
            UpdatedAt = service.UpdatedAt,
        };
    }
}

/// <summary>One page of a list: <see cref="Total"/> counts every match, not only this page.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, int Total, int Limit, int Offset);
