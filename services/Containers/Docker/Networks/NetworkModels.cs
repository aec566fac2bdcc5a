using Docker.DotNet.Models;

namespace WakeDock.Containers.Docker.Networks;

/// <summary>A network as <c>GET /api/v1/networks</c> and <c>/{id}</c> show it.</summary>
public sealed record NetworkDetails(
    string Id,
    string Name,
    string Driver,
    string Scope,
    DateTimeOffset Created,
    bool Internal,
    bool Attachable,
    bool EnableIpv6,
    IReadOnlyList<NetworkSubnet> Subnets,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Options,
    IReadOnlyList<NetworkEndpoint> Containers)
{
    /// <summary>The engine's built-in networks: they cannot be created, removed or pruned.</summary>
    public static readonly IReadOnlySet<string> Predefined = new HashSet<string>(["bridge", "host", "none"], StringComparer.Ordinal);

    public static NetworkDetails From(NetworkResponse network)
    {
        ArgumentNullException.ThrowIfNull(network);
        return new(
            network.ID,
            network.Name,
            network.Driver,
            network.Scope,
            EngineErrors.Utc(network.Created),
            network.Internal,
            network.Attachable,
            network.EnableIPv6,
            [.. (network.IPAM?.Config ?? []).Select(config => new NetworkSubnet(config.Subnet, Empty(config.Gateway), Empty(config.IPRange)))],
            Copy(network.Labels),
            Copy(network.Options),
            [.. (network.Containers ?? new Dictionary<string, EndpointResource>())
                .Select(entry => new NetworkEndpoint(entry.Key, entry.Value.Name, Empty(entry.Value.IPv4Address), Empty(entry.Value.IPv6Address), Empty(entry.Value.MacAddress)))
                .OrderBy(endpoint => endpoint.Name, StringComparer.Ordinal)]);
    }

    private static Dictionary<string, string> Copy(IDictionary<string, string>? values) =>
        values is null ? [] : new Dictionary<string, string>(values, StringComparer.Ordinal);

    private static string? Empty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}

public sealed record NetworkSubnet(string Subnet, string? Gateway, string? IpRange);

/// <summary>A running container's endpoint on the network (the engine lists only running ones).</summary>
public sealed record NetworkEndpoint(string ContainerId, string Name, string? Ipv4Address, string? Ipv6Address, string? MacAddress);

/// <summary><c>POST /api/v1/networks</c>. Driver defaults to <c>bridge</c>; <c>ipam</c> is optional.</summary>
public sealed record NetworkCreateRequest(
    string? Name,
    string? Driver,
    bool? Internal,
    bool? Attachable,
    bool? EnableIpv6,
    IDictionary<string, string>? Labels,
    IDictionary<string, string>? Options,
    NetworkIpamRequest? Ipam);

/// <summary>One subnet (CIDR), its gateway (inside the subnet) and optionally the range handed to containers.</summary>
public sealed record NetworkIpamRequest(string? Subnet, string? Gateway, string? IpRange);

/// <summary><c>POST /api/v1/networks/{id}/connect</c>: a container (id or name), optional DNS aliases.</summary>
public sealed record NetworkConnectRequest(string? Container, IReadOnlyList<string>? Aliases);

/// <summary><c>POST /api/v1/networks/{id}/disconnect</c>.</summary>
public sealed record NetworkDisconnectRequest(string? Container, bool? Force);

/// <summary><c>POST /api/v1/networks/prune</c>: only networks with these labels (all unused ones when empty).</summary>
public sealed record NetworkPruneRequest(IReadOnlyList<string>? Labels);

public sealed record NetworkPruneResult(IReadOnlyList<string> Deleted);
