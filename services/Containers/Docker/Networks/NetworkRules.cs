using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Docker.DotNet.Models;

namespace WakeDock.Containers.Docker.Networks;

/// <summary>Checks network requests before the engine sees them: a clear 400 instead of an engine error.</summary>
public static partial class NetworkRules
{
    public const int MaxNameLength = 128;

    /// <summary>The engine parameters for a valid request; null (and <paramref name="errors"/> filled) otherwise.</summary>
    public static NetworksCreateParameters? CheckCreate(NetworkCreateRequest? request, RequestErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var name = request?.Name?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            errors.Add("name", "The network name is required.");
        }
        else if (name.Length > MaxNameLength || !NamePattern().IsMatch(name))
        {
            errors.Add("name", $"'{name}' is not a valid network name (letters, digits, '_', '.', '-'; starting with a letter or digit; at most {MaxNameLength}).");
        }
        else if (NetworkDetails.Predefined.Contains(name))
        {
            errors.Add("name", $"'{name}' is one of the engine's pre-defined networks.");
        }

        var driver = string.IsNullOrWhiteSpace(request?.Driver) ? "bridge" : request.Driver.Trim();
        if (driver is "host" or "null" or "none")
        {
            // The engine allows a single network of these drivers, and it already exists.
            errors.Add("driver", $"Networks with the '{driver}' driver cannot be created: the engine has its only one.");
        }
        else if (!DriverPattern().IsMatch(driver))
        {
            errors.Add("driver", $"'{driver}' is not a valid driver name.");
        }

        errors.CheckLabels("labels", request?.Labels);
        errors.CheckLabels("options", request?.Options);
        var ipam = CheckIpam(request?.Ipam, request?.EnableIpv6 ?? false, errors);
        if (errors.Any)
        {
            return null;
        }

        return new NetworksCreateParameters
        {
            Name = name,
            Driver = driver,
            // Without it the engine happily creates a second network of the same name.
            CheckDuplicate = true,
            Internal = request!.Internal ?? false,
            Attachable = request.Attachable ?? false,
            EnableIPv6 = request.EnableIpv6 ?? false,
            Labels = request.Labels is null ? null : new Dictionary<string, string>(request.Labels, StringComparer.Ordinal),
            Options = request.Options is null ? null : new Dictionary<string, string>(request.Options, StringComparer.Ordinal),
            IPAM = ipam,
        };
    }

    private static IPAM? CheckIpam(NetworkIpamRequest? ipam, bool enableIpv6, RequestErrors errors)
    {
        if (ipam is null || (string.IsNullOrWhiteSpace(ipam.Subnet) && string.IsNullOrWhiteSpace(ipam.Gateway) && string.IsNullOrWhiteSpace(ipam.IpRange)))
        {
            return null;
        }

        if (string.IsNullOrWhiteSpace(ipam.Subnet))
        {
            errors.Add("ipam.subnet", "A gateway or IP range needs the subnet it belongs to.");
            return null;
        }

        if (!TryParseNetwork(ipam.Subnet, out var subnet))
        {
            errors.Add("ipam.subnet", $"'{ipam.Subnet}' is not a subnet in CIDR notation with no host bits set (e.g. 10.200.0.0/24).");
            return null;
        }

        if (subnet.BaseAddress.AddressFamily == AddressFamily.InterNetworkV6 && !enableIpv6)
        {
            errors.Add("ipam.subnet", "An IPv6 subnet needs enableIpv6: true.");
        }

        string? gateway = null;
        if (!string.IsNullOrWhiteSpace(ipam.Gateway))
        {
            if (!IPAddress.TryParse(ipam.Gateway.Trim(), out var address) || !subnet.Contains(address) || address.Equals(subnet.BaseAddress))
            {
                errors.Add("ipam.gateway", $"'{ipam.Gateway}' is not a host address inside {subnet}.");
            }
            else
            {
                gateway = address.ToString();
            }
        }

        string? range = null;
        if (!string.IsNullOrWhiteSpace(ipam.IpRange))
        {
            if (!TryParseNetwork(ipam.IpRange, out var ipRange) || !subnet.Contains(ipRange.BaseAddress) || ipRange.PrefixLength < subnet.PrefixLength)
            {
                errors.Add("ipam.ipRange", $"'{ipam.IpRange}' is not a CIDR range inside {subnet}.");
            }
            else
            {
                range = ipRange.ToString();
            }
        }

        return new IPAM { Driver = "default", Config = [new IPAMConfig { Subnet = subnet.ToString(), Gateway = gateway, IPRange = range }] };
    }

    // IPNetwork.TryParse quietly clears host bits (10.1.2.3/24 becomes 10.1.2.0/24); a typo should not.
    private static bool TryParseNetwork(string value, out IPNetwork network)
    {
        var text = value.Trim();
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        return IPNetwork.TryParse(text, out network)
            && slash > 0
            && IPAddress.TryParse(text[..slash], out var address)
            && address.Equals(network.BaseAddress);
    }

    public static void CheckContainer(string? container, RequestErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (string.IsNullOrWhiteSpace(container))
        {
            errors.Add("container", "The container (id or name) is required.");
        }
        else if (container.Length > 256 || !ContainerPattern().IsMatch(container.Trim()))
        {
            errors.Add("container", $"'{container}' is not a container id or name.");
        }
    }

    public static void CheckAliases(IReadOnlyList<string>? aliases, RequestErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        foreach (var alias in aliases ?? [])
        {
            if (string.IsNullOrWhiteSpace(alias) || alias.Length > 253 || !AliasPattern().IsMatch(alias))
            {
                errors.Add("aliases", $"'{alias}' is not a valid DNS alias.");
            }
        }
    }

    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9_.-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    // Built-in drivers and plugin names (e.g. 'vendor/plugin:tag').
    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9_./:-]{0,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex DriverPattern();

    // Names may start with '/', as the engine reports them.
    [GeneratedRegex("^/?[a-zA-Z0-9][a-zA-Z0-9_.-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex ContainerPattern();

    [GeneratedRegex("^[a-zA-Z0-9]([a-zA-Z0-9_.-]*[a-zA-Z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex AliasPattern();
}
