using Docker.DotNet.Models;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using WakeDock.Containers.Engine;

namespace WakeDock.Containers.Docker.Containers;

/// <summary>Reading containers: list, inspect, logs (not streamed) and processes.</summary>
public static class ContainerEndpoints
{
    public static async Task<Results<Ok<ContainerSummary[]>, ValidationProblem>> ListAsync(
        IDockerEngine engine,
        [FromQuery] string[]? state,
        [FromQuery] string? name,
        [FromQuery] string[]? label,
        [FromQuery] string? managed,
        [FromQuery] string? all,
        CancellationToken cancellationToken)
    {
        var query = new ContainerQuery();
        var isManaged = query.Bool("managed", managed);
        var parameters = query.List(state, label, isManaged, query.Bool("all", all, fallback: true) ?? true);
        if (string.IsNullOrWhiteSpace(name))
        {
            name = null;
        }
        else if (name.Length > 256)
        {
            query.Fail("name", "'name' must be at most 256 characters.");
        }

        if (!query.IsValid)
        {
            return TypedResults.ValidationProblem(query.Errors);
        }

        var containers = await engine.RunAsync((docker, token) => docker.Containers.ListContainersAsync(parameters, token), cancellationToken);
        return TypedResults.Ok(containers
            .Select(ContainerMapper.ToSummary)
            .Where(container => isManaged != false || !container.Managed)
            .Where(container => name is null || container.Names.Any(n => n.Contains(name, StringComparison.OrdinalIgnoreCase)))
            .OrderBy(container => container.Names.Count > 0 ? container.Names[0] : container.Id, StringComparer.Ordinal)
            .ToArray());
    }

    public static async Task<Results<Ok<ContainerDetails>, ValidationProblem>> InspectAsync(
        string id, IDockerEngine engine, CancellationToken cancellationToken)
    {
        if (!ContainerQuery.IsReference(id))
        {
            return InvalidReference();
        }

        var container = await engine.RunAsync((docker, token) => docker.Containers.InspectContainerAsync(id, token), cancellationToken);
        return TypedResults.Ok(ContainerMapper.ToDetails(container));
    }

    public static async Task<Results<Ok<ContainerLogs>, ValidationProblem>> LogsAsync(
        string id,
        IDockerEngine engine,
        TimeProvider clock,
        [FromQuery] string? tail,
        [FromQuery] string? since,
        [FromQuery] string? timestamps,
        [FromQuery] string? stdout,
        [FromQuery] string? stderr,
        CancellationToken cancellationToken)
    {
        var query = new ContainerQuery();
        var parameters = new ContainerLogsParameters
        {
            Tail = query.Tail(tail),
            Since = query.Since(since, clock.GetUtcNow()),
            Timestamps = query.Bool("timestamps", timestamps, fallback: false),
            ShowStdout = query.Bool("stdout", stdout, fallback: true),
            ShowStderr = query.Bool("stderr", stderr, fallback: true),
            Follow = false,
        };
        if (parameters.ShowStdout == false && parameters.ShowStderr == false)
        {
            query.Fail("stdout", "At least one of 'stdout' and 'stderr' must be true.");
        }

        if (!ContainerQuery.IsReference(id))
        {
            return InvalidReference();
        }

        if (!query.IsValid)
        {
            return TypedResults.ValidationProblem(query.Errors);
        }

        var (container, lines, truncated) = await engine.RunAsync(async (docker, token) =>
        {
            // A TTY container's log is one raw stream, not multiplexed frames.
            var inspected = await docker.Containers.InspectContainerAsync(id, token);
            var tty = inspected.Config?.Tty ?? false;
            using var stream = await docker.Containers.GetContainerLogsAsync(inspected.ID, tty, parameters, token);
            var (read, cut) = await ContainerLogReader.ReadAsync(stream, parameters.Timestamps == true, token);
            return (inspected, read, cut);
        }, cancellationToken);
        return TypedResults.Ok(new ContainerLogs(container.ID, container.Config?.Tty ?? false, truncated, lines));
    }

    public static async Task<Results<Ok<ContainerProcesses>, ValidationProblem>> TopAsync(
        string id, IDockerEngine engine, [FromQuery(Name = "ps_args")] string? psArgs, CancellationToken cancellationToken)
    {
        var query = new ContainerQuery();
        var arguments = query.PsArgs(psArgs);
        if (!ContainerQuery.IsReference(id))
        {
            return InvalidReference();
        }

        if (!query.IsValid)
        {
            return TypedResults.ValidationProblem(query.Errors);
        }

        var processes = await engine.RunAsync(
            (docker, token) => docker.Containers.ListProcessesAsync(id, new ContainerListProcessesParameters { PsArgs = arguments }, token),
            cancellationToken);
        return TypedResults.Ok(new ContainerProcesses(
            processes.Titles?.ToArray() ?? [],
            (processes.Processes ?? []).Select(row => (IReadOnlyList<string>)row.ToArray()).ToArray()));
    }

    /// <summary>An id or name in the path that no container can have.</summary>
    public static ValidationProblem InvalidReference() => TypedResults.ValidationProblem(
        new Dictionary<string, string[]> { ["id"] = ["'id' must be a container id or name: letters, digits and _ . - (at most 256)."] });
}
