namespace WakeDock.ServiceDefaults.Http;

/// <summary>
/// Field errors for an RFC 7807 validation problem, keyed by the request's camelCase field path
/// (<c>userName</c>, <c>ports[1].hostPort</c>, <c>environment.API_KEY</c>).
/// </summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> errors = new(StringComparer.Ordinal);

    public bool Any => errors.Count > 0;

    public IEnumerable<string> Fields => errors.Keys;

    public void Add(string field, string? message)
    {
        if (message is null)
        {
            return;
        }

        if (!errors.TryGetValue(field, out var list))
        {
            errors[field] = list = [];
        }

        list.Add(message);
    }

    public void AddRange(string field, IEnumerable<string> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        foreach (var message in messages)
        {
            Add(field, message);
        }
    }

    public Dictionary<string, string[]> ToDictionary() => errors.ToDictionary(pair => pair.Key, pair => pair.Value.ToArray(), StringComparer.Ordinal);

    public static Dictionary<string, string[]> One(string field, string message) => new(StringComparer.Ordinal) { [field] = [message] };
}
