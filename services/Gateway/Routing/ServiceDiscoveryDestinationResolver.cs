using System.Net;
using Microsoft.Extensions.Primitives;
using Microsoft.Extensions.ServiceDiscovery;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.ServiceDiscovery;

namespace WakeDock.Gateway.Routing;

/// <summary>
/// Turns a configured destination such as <c>http://identity</c> into the service's real
/// addresses from service discovery (<c>services__identity__http__0</c>, …), and tells YARP to
/// resolve again when discovery reports a change. Addresses that are not service names pass
/// through unchanged.
/// </summary>
public sealed class ServiceDiscoveryDestinationResolver(ServiceEndpointResolver resolver) : IDestinationResolver
{
    public async ValueTask<ResolvedDestinationCollection> ResolveDestinationsAsync(
        IReadOnlyDictionary<string, DestinationConfig> destinations,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destinations);

        var resolved = new Dictionary<string, DestinationConfig>(StringComparer.OrdinalIgnoreCase);
        var changeTokens = new List<IChangeToken>();
        foreach (var (name, destination) in destinations)
        {
            var source = await resolver.GetEndpointsAsync(destination.Address, cancellationToken);
            changeTokens.Add(source.ChangeToken);
            if (source.Endpoints.Count == 0)
            {
                // Not a known service name: keep the configured address as it is.
                resolved[name] = destination;
                continue;
            }

            var scheme = new Uri(destination.Address).Scheme;
            for (var index = 0; index < source.Endpoints.Count; index++)
            {
                var address = ToAddress(source.Endpoints[index].EndPoint, scheme);
                var key = source.Endpoints.Count == 1 ? name : $"{name}[{index}]";
                resolved[key] = destination with { Address = address };
            }
        }

        return new ResolvedDestinationCollection(resolved, new CompositeChangeToken(changeTokens));
    }

    public static string ToAddress(EndPoint endPoint, string scheme) => endPoint switch
    {
        UriEndPoint uri => uri.Uri.ToString(),
        IPEndPoint ip => $"{scheme}://{ip}",
        DnsEndPoint dns => $"{scheme}://{dns.Host}:{dns.Port}",
        _ => throw new NotSupportedException($"Service discovery returned an endpoint of an unknown kind: {endPoint}"),
    };
}
