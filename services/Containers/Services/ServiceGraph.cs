namespace WakeDock.Containers.Services;

/// <summary>The checks of one service against all the others: unknown dependencies, dependency cycles, host ports.</summary>
public static class ServiceGraph
{
    /// <summary>What the checks need to know about another service.</summary>
    public sealed record Node(string Name, List<string> DependsOn, List<PortSpec> Ports);

    /// <summary>Unknown dependencies, then a cycle through <paramref name="candidate"/> (named in order: a → b → a).</summary>
    public static void CheckDependencies(ManagedService candidate, IReadOnlyList<Node> others, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(others);
        ArgumentNullException.ThrowIfNull(errors);
        var graph = others.ToDictionary(o => o.Name, o => (IReadOnlyList<string>)o.DependsOn, StringComparer.Ordinal);
        for (var i = 0; i < candidate.DependsOn.Count; i++)
        {
            if (!graph.ContainsKey(candidate.DependsOn[i]))
            {
                errors.Add($"dependsOn[{i}]", $"There is no service named '{candidate.DependsOn[i]}'.");
            }
        }

        if (errors.Any)
        {
            return;
        }

        graph[candidate.Name] = candidate.DependsOn;
        if (FindCycle(candidate.Name, graph) is { } cycle)
        {
            errors.Add("dependsOn", $"Dependency cycle: {string.Join(" → ", cycle)}.");
        }
    }

    /// <summary>A path from <paramref name="start"/> back to itself, or null. Cycles elsewhere cannot exist: every save checks its own.</summary>
    public static IReadOnlyList<string>? FindCycle(string start, IReadOnlyDictionary<string, IReadOnlyList<string>> graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var visited = new HashSet<string>(StringComparer.Ordinal);
        var path = new List<string> { start };

        bool Visit(string name)
        {
            foreach (var next in graph.TryGetValue(name, out var dependencies) ? dependencies : [])
            {
                if (next == start)
                {
                    path.Add(next);
                    return true;
                }

                if (visited.Add(next))
                {
                    path.Add(next);
                    if (Visit(next))
                    {
                        return true;
                    }

                    path.RemoveAt(path.Count - 1);
                }
            }

            return false;
        }

        return Visit(start) ? path : null;
    }

    /// <summary>A host port another service publishes on an overlapping address is a conflict.</summary>
    public static void CheckPorts(ManagedService candidate, IReadOnlyList<Node> others, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(others);
        ArgumentNullException.ThrowIfNull(errors);
        for (var i = 0; i < candidate.Ports.Count; i++)
        {
            var port = candidate.Ports[i];
            if (others.FirstOrDefault(o => o.Ports.Any(p => ServiceParts.PortsClash(port, p))) is { } owner)
            {
                errors.Add($"ports[{i}].hostPort", $"Host port {port.HostIp}:{port.HostPort}/{port.Protocol} is published by service '{owner.Name}'.");
            }
        }
    }
}
