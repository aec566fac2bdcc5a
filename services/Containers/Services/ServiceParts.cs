using System.Globalization;
using System.Text.RegularExpressions;

namespace WakeDock.Containers.Services;

/// <summary>The structured parts of a service definition: ports, volumes, restart policy, health check, capabilities, devices.</summary>
internal static partial class ServiceParts
{
    public const string DefaultHostIp = "127.0.0.1";
    private static readonly string[] Protocols = ["tcp", "udp", "sctp"];

    public static List<PortSpec> CheckPorts(List<PortSpec>? ports, FieldErrors errors)
    {
        var result = new List<PortSpec>();
        if (ports is null)
        {
            return result;
        }

        if (ports.Count > ServiceValidator.MaxListItems)
        {
            errors.Add("ports", $"At most {ServiceValidator.MaxListItems} ports.");
        }

        for (var i = 0; i < ports.Count; i++)
        {
            var field = $"ports[{i}]";
            var port = ports[i];
            if (port is null)
            {
                errors.Add(field, "A port is required.");
                continue;
            }

            var hostIp = string.IsNullOrWhiteSpace(port.HostIp) ? DefaultHostIp : port.HostIp.Trim();
            errors.Add($"{field}.hostIp", ServiceValidator.IsIpAddress(hostIp) ? null : $"'{hostIp}' is not an IP address.");
            errors.Add($"{field}.hostPort", port.HostPort is null or (>= 1 and <= 65535) ? null : "A host port is between 1 and 65535.");
            errors.Add($"{field}.containerPort", port.ContainerPort is >= 1 and <= 65535 ? null : "The container port is required, between 1 and 65535.");
            var protocol = ServiceValidator.OneOf(port.Protocol, Protocols, "tcp", $"{field}.protocol", errors);
            var normalized = new PortSpec { HostIp = hostIp, HostPort = port.HostPort, ContainerPort = port.ContainerPort, Protocol = protocol };
            if (port.HostPort is not null && result.Any(other => PortsClash(other, normalized)))
            {
                errors.Add($"{field}.hostPort", $"Host port {port.HostPort}/{protocol} is published twice.");
            }

            result.Add(normalized);
        }

        return result;
    }

    /// <summary>Two published ports clash when protocol and host port match and the addresses overlap (a wildcard overlaps everything).</summary>
    public static bool PortsClash(PortSpec a, PortSpec b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return a.HostPort is not null && a.HostPort == b.HostPort && a.Protocol == b.Protocol
            && (a.HostIp == b.HostIp || IsWildcard(a.HostIp) || IsWildcard(b.HostIp));
    }

    private static bool IsWildcard(string? ip) => ip is "0.0.0.0" or "::";

    public static List<VolumeSpec> CheckVolumes(List<VolumeSpec>? volumes, FieldErrors errors)
    {
        var result = new List<VolumeSpec>();
        if (volumes is null)
        {
            return result;
        }

        for (var i = 0; i < volumes.Count; i++)
        {
            var field = $"volumes[{i}]";
            var volume = volumes[i];
            var source = volume?.Source?.Trim() ?? "";
            var target = volume?.Target?.Trim() ?? "";
            var bind = source.StartsWith('/');
            if (bind)
            {
                source = HostPaths.Normalize(source);
            }
            else if (!VolumeNamePattern().IsMatch(source))
            {
                errors.Add($"{field}.source", "The source is a volume name (2 to 255 of a-z, A-Z, 0-9, '_', '.', '-') or an absolute host path.");
            }

            if (!target.StartsWith('/') || HostPaths.Normalize(target) == "/" || target.Contains(':', StringComparison.Ordinal))
            {
                errors.Add($"{field}.target", "The target is an absolute path in the container, not '/'.");
            }
            else
            {
                target = HostPaths.Normalize(target);
                if (result.Any(v => v.Target == target))
                {
                    errors.Add($"{field}.target", $"'{target}' is mounted twice.");
                }
            }

            result.Add(new VolumeSpec { Source = source, Target = target, ReadOnly = volume?.ReadOnly ?? false, Type = bind ? "bind" : "volume" });
        }

        return result;
    }

    public static string CheckRestartPolicy(string? value, FieldErrors errors)
    {
        if (value is null)
        {
            return RestartPolicies.No;
        }

        var policy = value.Trim().ToLowerInvariant();
        var match = RestartPattern().Match(policy);
        if (!match.Success)
        {
            errors.Add("restartPolicy", "Must be no, on-failure, on-failure:N, always or unless-stopped.");
            return RestartPolicies.No;
        }

        if (match.Groups["retries"].Success
            && (!int.TryParse(match.Groups["retries"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var retries) || retries is < 1 or > 1000))
        {
            errors.Add("restartPolicy", "on-failure:N takes N between 1 and 1000.");
        }

        return policy;
    }

    public static HealthCheckSpec? CheckHealthCheck(HealthCheckSpec? check, List<PortSpec>? ports, FieldErrors errors)
    {
        if (check is null)
        {
            return null;
        }

        // Without a type, a path or port means the HTTP probe.
        var type = ServiceValidator.OneOf(check.Type ?? (check.Path is not null || check.Port is not null ? HealthCheckTypes.Http : HealthCheckTypes.Docker), [HealthCheckTypes.Docker, HealthCheckTypes.Http], HealthCheckTypes.Docker, "healthCheck.type", errors);
        var interval = ServiceValidator.CheckDuration(check.Interval, "healthCheck.interval", 30, 1, 3600, errors);
        var timeout = ServiceValidator.CheckDuration(check.Timeout, "healthCheck.timeout", 5, 1, 600, errors);
        var retries = check.Retries ?? 3;
        errors.Add("healthCheck.retries", retries is >= 1 and <= 100 ? null : "Retries are between 1 and 100.");
        if (type == HealthCheckTypes.Http)
        {
            var path = string.IsNullOrWhiteSpace(check.Path) ? "/" : check.Path.Trim();
            errors.Add("healthCheck.path", path.StartsWith('/') && path.Length <= 2048 && !path.Any(char.IsWhiteSpace) ? null : "The path starts with '/', has no spaces, at most 2048 characters.");
            var port = check.Port ?? ports?.FirstOrDefault()?.ContainerPort;
            errors.Add("healthCheck.port", port is >= 1 and <= 65535 ? null : "The probe's container port is required (or a published port), between 1 and 65535.");
            var status = check.ExpectedStatus ?? 200;
            errors.Add("healthCheck.expectedStatus", status is >= 100 and <= 599 ? null : "The expected status is between 100 and 599.");
            return new HealthCheckSpec { Type = type, Path = path, Port = port, ExpectedStatus = status, Interval = Format(interval), Timeout = Format(timeout), Retries = retries };
        }

        var command = check.Command?.Where(arg => arg is not null).ToList() ?? [];
        if (command.Count == 0 || command.Count > ServiceValidator.MaxListItems)
        {
            errors.Add("healthCheck.command", "A docker health check needs a command, e.g. [\"CMD\", \"wget\", \"-q\", \"--spider\", \"http://127.0.0.1/\"].");
        }
        else if (command[0] is not ("CMD" or "CMD-SHELL"))
        {
            // Docker reads ["CMD", args…] (exec) or ["CMD-SHELL", "line"]; a bare command is exec.
            command.Insert(0, "CMD");
        }

        return new HealthCheckSpec { Type = type, Command = command, Interval = Format(interval), Timeout = Format(timeout), Retries = retries };
    }

    public static List<string> CheckCapabilities(List<string>? capabilities, FieldErrors errors)
    {
        var result = new List<string>();
        for (var i = 0; i < (capabilities?.Count ?? 0); i++)
        {
            var capability = capabilities![i]?.Trim().ToUpperInvariant() ?? "";
            capability = capability.StartsWith("CAP_", StringComparison.Ordinal) ? capability[4..] : capability;
            if (!CapabilityPattern().IsMatch(capability))
            {
                errors.Add($"capAdd[{i}]", $"'{capabilities[i]}' is not a capability name (e.g. NET_ADMIN).");
            }
            else if (!result.Contains(capability))
            {
                result.Add(capability);
            }
        }

        return result;
    }

    /// <summary>Devices as Docker's <c>--device</c> takes them: <c>/dev/host[:/dev/container[:rwm]]</c>.</summary>
    public static List<string> CheckDevices(List<string>? devices, FieldErrors errors)
    {
        var result = new List<string>();
        for (var i = 0; i < (devices?.Count ?? 0); i++)
        {
            var device = devices![i]?.Trim() ?? "";
            errors.Add($"devices[{i}]", DevicePattern().IsMatch(device) ? null : $"'{device}' is not a device (/dev/host[:/dev/container[:rwm]]).");
            result.Add(device);
        }

        return result;
    }

    private static string Format(int seconds) => Durations.Format(TimeSpan.FromSeconds(seconds));

    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9_.-]{1,254}$", RegexOptions.CultureInvariant)]
    private static partial Regex VolumeNamePattern();

    [GeneratedRegex("^(no|always|unless-stopped|on-failure(:(?<retries>[0-9]{1,5}))?)$", RegexOptions.CultureInvariant)]
    private static partial Regex RestartPattern();

    [GeneratedRegex("^[A-Z][A-Z_]{1,31}$", RegexOptions.CultureInvariant)]
    private static partial Regex CapabilityPattern();

    [GeneratedRegex("^/[^:]+(:/[^:]+)?(:[rwm]{1,3})?$", RegexOptions.CultureInvariant)]
    private static partial Regex DevicePattern();
}

/// <summary>Host paths compared after normalisation, so <c>/etc/../var//run/</c> is <c>/var/run</c>.</summary>
public static class HostPaths
{
    public static string Normalize(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var parts = new List<string>();
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == "..")
            {
                if (parts.Count > 0)
                {
                    parts.RemoveAt(parts.Count - 1);
                }
            }
            else if (part != ".")
            {
                parts.Add(part);
            }
        }

        return "/" + string.Join('/', parts);
    }

    /// <summary>True when <paramref name="path"/> is strictly inside <paramref name="parent"/> (both normalised).</summary>
    public static bool IsWithin(string path, string parent)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(parent);
        return parent == "/" ? path != "/" : path.StartsWith(parent + "/", StringComparison.Ordinal);
    }
}
