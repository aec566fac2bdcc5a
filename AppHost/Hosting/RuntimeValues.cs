using WakeDock.AppHost.Model;

namespace WakeDock.AppHost.Hosting;

/// <summary>
/// Run-mode values of the model's references: every endpoint on a free loopback port, secrets from
/// the store. <see cref="Redacted"/> renders the same expressions with secrets masked, for display.
/// </summary>
public sealed class RuntimeValues : IValueResolver
{
    public const string Host = "127.0.0.1";

    private readonly Dictionary<Endpoint, int> _ports;
    private readonly SecretStore _secrets;
    private readonly bool _redact;

    public RuntimeValues(AppModel model, SecretStore secrets, IReadOnlyDictionary<string, int>? fixedPorts = null)
        : this(AllocatePorts(model, fixedPorts), secrets, redact: false)
    {
    }

    private RuntimeValues(Dictionary<Endpoint, int> ports, SecretStore secrets, bool redact)
    {
        _ports = ports;
        _secrets = secrets;
        _redact = redact;
    }

    /// <summary>The same values with every secret parameter shown as <c>***</c>.</summary>
    public RuntimeValues Redacted => new(_ports, _secrets, redact: true);

    public int PortOf(Endpoint endpoint) => _ports[endpoint];

    public int PortOf(Resource resource, string endpointName = "http") => _ports[resource.GetEndpoint(endpointName)];

    public string UrlOf(Resource resource, string endpointName = "http") => Url(resource.GetEndpoint(endpointName));

    public string Secret(ParameterResource parameter) => _secrets[parameter];

    public string Render(ReferenceExpression expression) => expression.Render(this);

    public string ConnectionString(IResourceWithConnectionString resource) => Render(resource.ConnectionStringExpression);

    public string Resolve(IValueReference reference) => reference switch
    {
        ParameterResource p => _redact && p.Secret ? "***" : _secrets[p],
        ConnectionStringValue c => Render(c.Resource.ConnectionStringExpression),
        EndpointValue { Property: EndpointProperty.Host } => Host,
        EndpointValue { Property: EndpointProperty.Port or EndpointProperty.TargetPort } e => _ports[e.Endpoint].ToString(CultureInfo.InvariantCulture),
        EndpointValue e => Url(e.Endpoint),
        _ => throw new NotSupportedException(reference.GetType().Name),
    };

    private string Url(Endpoint endpoint) => $"{endpoint.Scheme}://{Host}:{_ports[endpoint]}";

    /// <summary>A free port per endpoint; <paramref name="fixedPorts"/> pins some by resource name (e.g. caddy's public port).</summary>
    private static Dictionary<Endpoint, int> AllocatePorts(AppModel model, IReadOnlyDictionary<string, int>? fixedPorts)
    {
        var ports = new Dictionary<Endpoint, int>();
        foreach (var endpoint in model.Resources.SelectMany(r => r.Endpoints))
        {
            ports[endpoint] = fixedPorts is not null && fixedPorts.TryGetValue(endpoint.Owner.Name, out var port) && port > 0
                ? port
                : PortAllocator.GetFreePort();
        }
        return ports;
    }
}
