using System.Text.Json.Serialization;
using Docker.DotNet.Models;

namespace WakeDock.Containers.Docker.Streams;

/// <summary>
/// One engine event, compact: what happened (<see cref="Type"/>, <see cref="Action"/>) to what
/// (<see cref="Id"/>, <see cref="Name"/>, the other <see cref="Attributes"/> such as image and labels), when.
/// </summary>
public sealed record EngineEvent(
    string Type,
    string Action,
    string? Id,
    string? Name,
    IReadOnlyDictionary<string, string>? Attributes,
    DateTimeOffset Time)
{
    /// <summary>The types WakeDock streams (the engine also has daemon, plugin and Swarm types).</summary>
    public static readonly IReadOnlySet<string> Types = new HashSet<string>(["container", "image", "network", "volume"], StringComparer.Ordinal);

    /// <summary>The engine's time with nanoseconds: the SSE id a client resumes from.</summary>
    [JsonIgnore]
    public EngineTime At { get; init; }

    public static EngineEvent From(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var attributes = message.Actor?.Attributes;
        string? name = null;
        attributes?.TryGetValue("name", out name);
        var at = new EngineTime(message.TimeNano > 0 ? message.TimeNano : message.Time * 1_000_000_000);
        var others = attributes?.Where(pair => pair.Key != "name").ToDictionary(StringComparer.Ordinal);
        return new EngineEvent(
            message.Type ?? "",
            message.Action ?? message.Status ?? "",
            message.Actor?.ID ?? message.ID,
            name,
            others is { Count: > 0 } ? others : null,
            at.ToDateTimeOffset())
        { At = at };
    }
}
