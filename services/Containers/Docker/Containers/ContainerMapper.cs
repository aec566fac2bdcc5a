using System.Globalization;
using System.Text.RegularExpressions;
using Docker.DotNet.Models;

namespace WakeDock.Containers.Docker.Containers;

/// <summary>Engine models (Docker.DotNet) to the API's compact records.</summary>
public static partial class ContainerMapper
{
    /// <summary>The label that marks a container WakeDock manages.</summary>
    public const string ManagedLabel = "wakedock.managed";

    public const string Masked = "********";

    private static readonly IReadOnlyDictionary<string, string> NoLabels = new Dictionary<string, string>();

    public static bool IsManaged(IDictionary<string, string>? labels) =>
        labels is not null && labels.TryGetValue(ManagedLabel, out var value) && string.Equals(value, "true", StringComparison.OrdinalIgnoreCase);

    public static ContainerSummary ToSummary(ContainerListResponse container)
    {
        ArgumentNullException.ThrowIfNull(container);
        return new ContainerSummary(
            container.ID,
            (container.Names ?? []).Select(TrimName).ToArray(),
            container.Image ?? "",
            container.ImageID ?? "",
            container.Command ?? "",
            container.State ?? "",
            container.Status ?? "",
            ToUtc(container.Created),
            Labels(container.Labels),
            (container.Ports ?? []).Select(port => new ContainerPort(
                string.IsNullOrEmpty(port.IP) ? null : port.IP,
                port.PrivatePort,
                port.PublicPort == 0 ? null : port.PublicPort,
                port.Type ?? "tcp")).ToArray(),
            IsManaged(container.Labels));
    }

    public static ContainerDetails ToDetails(ContainerInspectResponse container)
    {
        ArgumentNullException.ThrowIfNull(container);
        var config = container.Config ?? new Config();
        var host = container.HostConfig ?? new HostConfig();
        return new ContainerDetails(
            container.ID,
            TrimName(container.Name ?? ""),
            ToUtc(container.Created),
            config.Image ?? container.Image ?? "",
            container.Image ?? "",
            container.Path ?? "",
            List(container.Args),
            container.RestartCount,
            NullIfEmpty(container.Platform),
            IsManaged(config.Labels),
            Labels(config.Labels),
            ToState(container.State),
            ToConfig(config),
            ToHostConfig(host),
            (container.Mounts ?? []).Select(mount => new ContainerMountDetails(
                mount.Type ?? "", NullIfEmpty(mount.Name), NullIfEmpty(mount.Source), mount.Destination ?? "",
                NullIfEmpty(mount.Driver), NullIfEmpty(mount.Mode), mount.RW)).ToArray(),
            (container.NetworkSettings?.Networks ?? new Dictionary<string, EndpointSettings>()).ToDictionary(
                network => network.Key,
                network => new ContainerNetworkDetails(
                    NullIfEmpty(network.Value.NetworkID), NullIfEmpty(network.Value.IPAddress), NullIfEmpty(network.Value.Gateway),
                    NullIfEmpty(network.Value.MacAddress), List(network.Value.Aliases)),
                StringComparer.Ordinal),
            Bindings(container.NetworkSettings?.Ports));
    }

    /// <summary>
    /// Values of variables whose name says secret (PASSWORD, TOKEN, KEY …) are masked: viewers may
    /// inspect containers, and the environment is where credentials usually live.
    /// </summary>
    public static string MaskEnvironment(string variable)
    {
        ArgumentNullException.ThrowIfNull(variable);
        var equals = variable.IndexOf('=', StringComparison.Ordinal);
        return equals > 0 && SecretName().IsMatch(variable[..equals]) ? variable[..(equals + 1)] + Masked : variable;
    }

    public static string TrimName(string name) => name.StartsWith('/') ? name[1..] : name;

    /// <summary>Docker.DotNet gives local or unspecified kinds; the API speaks UTC.</summary>
    public static DateTimeOffset ToUtc(DateTime time) =>
        new(time.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(time, DateTimeKind.Utc) : time.ToUniversalTime());

    private static ContainerStateDetails ToState(ContainerState? state)
    {
        state ??= new ContainerState { Status = "unknown" };
        var health = state.Health is { Status: { Length: > 0 } healthStatus } h && healthStatus != "none"
            ? new ContainerHealth(healthStatus, h.FailingStreak, (h.Log ?? []).Select(probe =>
                new ContainerHealthProbe(ToUtc(probe.Start), ToUtc(probe.End), probe.ExitCode, probe.Output ?? "")).ToArray())
            : null;
        return new ContainerStateDetails(
            state.Status ?? "unknown", state.Running, state.Paused, state.Restarting, state.OOMKilled, state.Dead,
            state.Pid, state.ExitCode, NullIfEmpty(state.Error), EngineTime(state.StartedAt), EngineTime(state.FinishedAt), health);
    }

    private static ContainerConfigDetails ToConfig(Config config) => new(
        NullIfEmpty(config.Hostname),
        NullIfEmpty(config.User),
        (config.Env ?? []).Select(MaskEnvironment).ToArray(),
        List(config.Cmd),
        List(config.Entrypoint),
        NullIfEmpty(config.WorkingDir),
        config.Tty,
        config.OpenStdin,
        (config.ExposedPorts?.Keys ?? []).Order(StringComparer.Ordinal).ToArray(),
        NullIfEmpty(config.StopSignal),
        config.StopTimeout?.TotalSeconds,
        config.Healthcheck is { Test.Count: > 0 } check
            ? new ContainerHealthcheck(List(check.Test), check.Interval.TotalSeconds, check.Timeout.TotalSeconds,
                TimeSpan.FromTicks(check.StartPeriod / 100).TotalSeconds, check.Retries)
            : null);

    private static ContainerHostConfigDetails ToHostConfig(HostConfig host) => new(
        NullIfEmpty(host.NetworkMode),
        RestartPolicyName(host.RestartPolicy?.Name),
        host.RestartPolicy?.MaximumRetryCount ?? 0,
        host.AutoRemove,
        host.Privileged,
        host.ReadonlyRootfs,
        NullIfEmpty(host.PidMode),
        NullIfEmpty(host.IpcMode),
        List(host.Binds),
        List(host.CapAdd),
        List(host.CapDrop),
        host.Memory,
        host.NanoCPUs / 1e9,
        host.CPUShares,
        host.PidsLimit is > 0 ? host.PidsLimit : null,
        NullIfEmpty(host.LogConfig?.Type),
        Bindings(host.PortBindings));

    /// <summary>The engine's own spelling (<c>no</c>, <c>always</c>, <c>on-failure</c>, <c>unless-stopped</c>).</summary>
    private static string RestartPolicyName(RestartPolicyKind? kind) => kind switch
    {
        RestartPolicyKind.Always => "always",
        RestartPolicyKind.OnFailure => "on-failure",
        RestartPolicyKind.UnlessStopped => "unless-stopped",
        _ => "no",
    };

    private static Dictionary<string, IReadOnlyList<ContainerPortBinding>> Bindings(IDictionary<string, IList<PortBinding>>? ports) =>
        (ports ?? new Dictionary<string, IList<PortBinding>>()).ToDictionary(
            port => port.Key,
            port => (IReadOnlyList<ContainerPortBinding>)(port.Value ?? [])
                .Select(binding => new ContainerPortBinding(NullIfEmpty(binding.HostIP), NullIfEmpty(binding.HostPort))).ToArray(),
            StringComparer.Ordinal);

    /// <summary>The engine writes <c>0001-01-01T00:00:00Z</c> for "never".</summary>
    private static DateTimeOffset? EngineTime(string? value) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) && time.Year > 1
            ? time.ToUniversalTime()
            : null;

    private static IReadOnlyDictionary<string, string> Labels(IDictionary<string, string>? labels) =>
        labels is null ? NoLabels : new SortedDictionary<string, string>(labels, StringComparer.Ordinal);

    private static string[] List(IList<string>? values) => values?.ToArray() ?? [];

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    [GeneratedRegex("PASS|SECRET|TOKEN|KEY|CREDENTIAL|PRIVATE|AUTH", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretName();
}
