using System.Globalization;
using Docker.DotNet.Models;
using WakeDock.Containers.Services;

namespace WakeDock.Containers.Lifecycle;

/// <summary>A managed service's definition as the engine's create-container request (<c>wakedock-&lt;name&gt;</c>).</summary>
public static class ContainerSpec
{
    public const string NamePrefix = "wakedock-";

    public static string ContainerName(string serviceName) => NamePrefix + serviceName;

    public static CreateContainerParameters Build(ManagedService service)
    {
        ArgumentNullException.ThrowIfNull(service);
        var labels = new Dictionary<string, string>(service.Labels, StringComparer.Ordinal)
        {
            [WakeDockLabels.Managed] = "true",
            [WakeDockLabels.ServiceId] = service.Id.ToString(),
            [WakeDockLabels.Name] = service.Name,
        };

        var exposed = new Dictionary<string, EmptyStruct>(StringComparer.Ordinal);
        var bindings = new Dictionary<string, IList<PortBinding>>(StringComparer.Ordinal);
        // On the host network the container's ports are the host's: nothing to publish.
        if (!service.HostNetwork)
        {
            foreach (var port in service.Ports.Where(p => p.ContainerPort is not null))
            {
                var key = $"{port.ContainerPort!.Value.ToString(CultureInfo.InvariantCulture)}/{port.Protocol ?? "tcp"}";
                exposed[key] = default;
                if (!bindings.TryGetValue(key, out var list))
                {
                    bindings[key] = list = [];
                }

                list.Add(new PortBinding { HostIP = port.HostIp ?? ServiceParts.DefaultHostIp, HostPort = port.HostPort?.ToString(CultureInfo.InvariantCulture) ?? "" });
            }
        }

        return new CreateContainerParameters
        {
            Name = ContainerName(service.Name),
            Image = service.Image,
            Cmd = service.Command.Count > 0 ? service.Command : null,
            Env = [.. service.Environment.Select(e => $"{e.Name}={e.Value}")],
            Labels = labels,
            ExposedPorts = exposed,
            Healthcheck = DockerHealthCheck(service.HealthCheck),
            HostConfig = new HostConfig
            {
                NetworkMode = service.HostNetwork ? "host" : service.Networks.FirstOrDefault(),
                PortBindings = bindings,
                Mounts = [.. service.Volumes.Select(v => new Mount { Type = v.Type ?? "volume", Source = v.Source, Target = v.Target, ReadOnly = v.ReadOnly })],
                Memory = service.MemoryBytes ?? 0,
                NanoCPUs = service.NanoCpus ?? 0,
                RestartPolicy = Restart(service.RestartPolicy),
                Privileged = service.Privileged,
                PidMode = service.HostPid ? "host" : null,
                CapAdd = service.CapAdd.Count > 0 ? service.CapAdd : null,
                Devices = [.. service.Devices.Select(Device)],
            },
        };
    }

    /// <summary>Networks after the first (the create request takes one): connected before the first start.</summary>
    public static IEnumerable<string> ExtraNetworks(ManagedService service)
    {
        ArgumentNullException.ThrowIfNull(service);
        return service.HostNetwork ? [] : service.Networks.Skip(1);
    }

    public static bool HasDockerHealthCheck(ManagedService service)
        => service?.HealthCheck is { Type: HealthCheckTypes.Docker, Command.Count: > 0 };

    private static HealthConfig? DockerHealthCheck(HealthCheckSpec? check)
    {
        if (check is not { Type: HealthCheckTypes.Docker, Command.Count: > 0 })
        {
            return null;
        }

        return new HealthConfig
        {
            Test = check.Command,
            Interval = Seconds(check.Interval, 30),
            Timeout = Seconds(check.Timeout, 5),
            Retries = check.Retries ?? 3,
        };
    }

    private static TimeSpan Seconds(string? value, int fallback)
        => Durations.TryParse(value, out var duration) ? duration : TimeSpan.FromSeconds(fallback);

    private static RestartPolicy Restart(string policy)
    {
        var parts = policy.Split(':', 2);
        return parts[0] switch
        {
            RestartPolicies.Always => new RestartPolicy { Name = RestartPolicyKind.Always },
            RestartPolicies.UnlessStopped => new RestartPolicy { Name = RestartPolicyKind.UnlessStopped },
            RestartPolicies.OnFailure => new RestartPolicy
            {
                Name = RestartPolicyKind.OnFailure,
                MaximumRetryCount = parts.Length > 1 ? long.Parse(parts[1], CultureInfo.InvariantCulture) : 0,
            },
            _ => new RestartPolicy { Name = RestartPolicyKind.No },
        };
    }

    private static DeviceMapping Device(string device)
    {
        var parts = device.Split(':');
        return new DeviceMapping
        {
            PathOnHost = parts[0],
            PathInContainer = parts.Length > 1 ? parts[1] : parts[0],
            CgroupPermissions = parts.Length > 2 ? parts[2] : "rwm",
        };
    }
}
