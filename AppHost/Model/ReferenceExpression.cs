namespace WakeDock.AppHost.Model;

/// <summary>A value that is only known at run time (a port, a secret) or as an expression in the manifest.</summary>
public interface IValueReference;

/// <summary>What a part of an endpoint is referenced for, as Aspire's <c>{name.bindings.http.port}</c>.</summary>
public enum EndpointProperty
{
    Host,
    Port,
    TargetPort,
    Url,
}

public sealed record EndpointValue(Endpoint Endpoint, EndpointProperty Property) : IValueReference;

public sealed record ConnectionStringValue(IResourceWithConnectionString Resource) : IValueReference;

/// <summary>Turns the references of an expression into text for one mode (run-time values, or manifest placeholders).</summary>
public interface IValueResolver
{
    string Resolve(IValueReference reference);
}

/// <summary>
/// Like Aspire's ReferenceExpression: literal text mixed with references, rendered once for run mode
/// and once for the manifest, so both come from the same declaration.
/// </summary>
public sealed class ReferenceExpression
{
    private readonly object[] _parts;

    private ReferenceExpression(object[] parts) => _parts = parts;

    /// <summary>Parts are strings (literal) or <see cref="IValueReference"/>s.</summary>
    public static ReferenceExpression Of(params object[] parts)
    {
        foreach (var part in parts)
        {
            if (part is not (string or IValueReference))
            {
                throw new ArgumentException($"unsupported expression part {part.GetType().Name}", nameof(parts));
            }
        }
        return new ReferenceExpression(parts);
    }

    public IEnumerable<IValueReference> References => _parts.OfType<IValueReference>();

    public string Render(IValueResolver resolver)
    {
        var text = new StringBuilder();
        foreach (var part in _parts)
        {
            text.Append(part as string ?? resolver.Resolve((IValueReference)part));
        }
        return text.ToString();
    }

    public static implicit operator ReferenceExpression(string literal) => Of(literal);
}
