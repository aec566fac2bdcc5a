namespace WakeDock.Containers.Services;

/// <summary>A setting that gives a container power over the host, named by its field path.</summary>
public sealed record ElevatedSetting(string Field, string Description);

/// <summary>
/// Settings that reach the host — privileged mode, the host's PID namespace or network, added
/// capabilities, devices, and bind mounts of sensitive paths. Only administrators may use them,
/// and each use is audited. A bind mount is sensitive when it is one of
/// <see cref="SensitivePaths"/>, above one (mounting <c>/var</c> exposes <c>/var/run/docker.sock</c>) or inside one.
/// </summary>
public static class ServiceSafety
{
    public static readonly IReadOnlyList<string> SensitivePaths =
        ["/", "/etc", "/var/run/docker.sock", "/run/docker.sock", "/var/lib/docker", "/proc", "/sys", "/root", "/boot", "/dev"];

    public static IReadOnlyList<ElevatedSetting> Find(ManagedService service)
    {
        ArgumentNullException.ThrowIfNull(service);
        var found = new List<ElevatedSetting>();
        if (service.Privileged)
        {
            found.Add(new("privileged", "privileged mode"));
        }

        if (service.HostPid)
        {
            found.Add(new("hostPid", "the host's PID namespace"));
        }

        if (service.HostNetwork)
        {
            found.Add(new("hostNetwork", "the host's network"));
        }

        for (var i = 0; i < service.Networks.Count; i++)
        {
            if (service.Networks[i] == "host")
            {
                found.Add(new($"networks[{i}]", "the host's network"));
            }
        }

        if (service.CapAdd.Count > 0)
        {
            found.Add(new("capAdd", $"added capabilities ({string.Join(", ", service.CapAdd)})"));
        }

        if (service.Devices.Count > 0)
        {
            found.Add(new("devices", $"host devices ({string.Join(", ", service.Devices)})"));
        }

        for (var i = 0; i < service.Volumes.Count; i++)
        {
            var volume = service.Volumes[i];
            if (volume.Type == "bind" && volume.Source is { } source && SensitivePaths.FirstOrDefault(path => Covers(source, path)) is { } sensitive)
            {
                found.Add(new($"volumes[{i}].source", source == sensitive ? $"a bind mount of {source}" : $"a bind mount of {source} (covers {sensitive})"));
            }
        }

        return found;
    }

    /// <summary>The path itself, a parent of it, or inside it (except for '/', inside which is everything).</summary>
    private static bool Covers(string source, string sensitive)
        => source == sensitive || HostPaths.IsWithin(sensitive, source) || (sensitive != "/" && HostPaths.IsWithin(source, sensitive));
}
