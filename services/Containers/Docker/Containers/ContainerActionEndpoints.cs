using System.Net;
using System.Text.RegularExpressions;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using WakeDock.Containers.Docker.EngineSystem;
using WakeDock.Containers.Engine;

namespace WakeDock.Containers.Docker.Containers;

/// <summary>
/// Changing containers: lifecycle actions, remove and rename. Actions answer 200 with the state
/// afterwards; asking for the state the container is already in (start a running container, stop
/// a stopped one, pause a paused one, unpause a running one) is not an error: 200 with
/// <c>changed: false</c>. Kill of a container that is not running stays a 409: there is nothing to signal.
/// </summary>
public static class ContainerActionEndpoints
{
    public static Task<Results<Ok<ContainerActionResult>, ValidationProblem>> StartAsync(string id, IDockerEngine engine, CancellationToken cancellationToken) =>
        ActAsync(engine, id, "start", new ContainerQuery(),
            // The engine answers 304 (false here) when the container already runs.
            (docker, token) => docker.Containers.StartContainerAsync(id, new ContainerStartParameters(), token),
            null, cancellationToken);

    public static Task<Results<Ok<ContainerActionResult>, ValidationProblem>> StopAsync(
        string id, IDockerEngine engine, IOptions<DockerEngineOptions> options, [FromQuery] string? timeout, CancellationToken cancellationToken)
    {
        var query = new ContainerQuery();
        var seconds = query.Timeout(timeout);
        return ActAsync(engine, id, "stop", query, (docker, token) => seconds == 0
                ? EngineHttp.PostAsync(docker, options.Value.ApiVersion, $"containers/{Uri.EscapeDataString(id)}/stop?t=0", token)
                : docker.Containers.StopContainerAsync(id, new ContainerStopParameters { WaitBeforeKillSeconds = seconds }, token),
            null, cancellationToken);
    }

    public static Task<Results<Ok<ContainerActionResult>, ValidationProblem>> RestartAsync(
        string id, IDockerEngine engine, IOptions<DockerEngineOptions> options, [FromQuery] string? timeout, CancellationToken cancellationToken)
    {
        var query = new ContainerQuery();
        var seconds = query.Timeout(timeout);
        return ActAsync(engine, id, "restart", query, async (docker, token) =>
        {
            if (seconds == 0)
            {
                await EngineHttp.PostAsync(docker, options.Value.ApiVersion, $"containers/{Uri.EscapeDataString(id)}/restart?t=0", token);
            }
            else
            {
                await docker.Containers.RestartContainerAsync(id, new ContainerRestartParameters { WaitBeforeKillSeconds = seconds }, token);
            }

            return true;
        }, null, cancellationToken);
    }

    public static Task<Results<Ok<ContainerActionResult>, ValidationProblem>> PauseAsync(string id, IDockerEngine engine, CancellationToken cancellationToken) =>
        ActAsync(engine, id, "pause", new ContainerQuery(), async (docker, token) =>
        {
            await docker.Containers.PauseContainerAsync(id, token);
            return true;
        }, state => state.Paused, cancellationToken);

    public static Task<Results<Ok<ContainerActionResult>, ValidationProblem>> UnpauseAsync(string id, IDockerEngine engine, CancellationToken cancellationToken) =>
        ActAsync(engine, id, "unpause", new ContainerQuery(), async (docker, token) =>
        {
            await docker.Containers.UnpauseContainerAsync(id, token);
            return true;
        }, state => state.Running && !state.Paused, cancellationToken);

    public static Task<Results<Ok<ContainerActionResult>, ValidationProblem>> KillAsync(
        string id, IDockerEngine engine, [FromQuery] string? signal, CancellationToken cancellationToken)
    {
        var query = new ContainerQuery();
        var name = query.Signal(signal);
        return ActAsync(engine, id, "kill", query, async (docker, token) =>
        {
            await docker.Containers.KillContainerAsync(id, new ContainerKillParameters { Signal = name }, token);
            return true;
        }, null, cancellationToken);
    }

    /// <summary><c>force</c> removes a running container; <c>volumes</c> also removes its anonymous volumes (named ones stay).</summary>
    public static async Task<Results<NoContent, ValidationProblem>> RemoveAsync(
        string id, IDockerEngine engine, [FromQuery] string? force, [FromQuery] string? volumes, CancellationToken cancellationToken)
    {
        var query = new ContainerQuery();
        var parameters = new ContainerRemoveParameters
        {
            Force = query.Bool("force", force, fallback: false),
            RemoveVolumes = query.Bool("volumes", volumes, fallback: false),
        };
        if (!ContainerQuery.IsReference(id))
        {
            return ContainerEndpoints.InvalidReference();
        }

        if (!query.IsValid)
        {
            return TypedResults.ValidationProblem(query.Errors);
        }

        await engine.RunAsync((docker, token) => docker.Containers.RemoveContainerAsync(id, parameters, token), cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>The engine answers 409 when another container has the name.</summary>
    public static async Task<Results<Ok<ContainerSummary>, ValidationProblem>> RenameAsync(
        string id, IDockerEngine engine, RenameContainerRequest? request, CancellationToken cancellationToken)
    {
        var name = request?.Name?.Trim().TrimStart('/');
        if (!ContainerQuery.IsReference(id))
        {
            return ContainerEndpoints.InvalidReference();
        }

        if (!ContainerQuery.IsValidName(name))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["name"] = ["'name' must be 2 to 128 characters: a letter or digit, then letters, digits and _ . -"],
            });
        }

        var renamed = await engine.RunAsync(async (docker, token) =>
        {
            await docker.Containers.RenameContainerAsync(id, new ContainerRenameParameters { NewName = name }, token);
            return await FindAsync(docker, name!, token);
        }, cancellationToken);
        return TypedResults.Ok(renamed);
    }

    private static async Task<Results<Ok<ContainerActionResult>, ValidationProblem>> ActAsync(
        IDockerEngine engine,
        string id,
        string action,
        ContainerQuery query,
        Func<IDockerClient, CancellationToken, Task<bool>> run,
        Func<ContainerState, bool>? alreadyDone,
        CancellationToken cancellationToken)
    {
        if (!ContainerQuery.IsReference(id))
        {
            return ContainerEndpoints.InvalidReference();
        }

        if (!query.IsValid)
        {
            return TypedResults.ValidationProblem(query.Errors);
        }

        var result = await engine.RunAsync(async (docker, token) =>
        {
            bool changed;
            try
            {
                changed = await run(docker, token);
            }
            catch (DockerApiException exception) when (alreadyDone is not null && exception.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.InternalServerError)
            {
                // "Already paused" (409) and "not paused" (500 on Engine 20.10) are no error for an idempotent API.
                var current = await docker.Containers.InspectContainerAsync(id, token);
                if (current.State is null || !alreadyDone(current.State))
                {
                    if (exception.StatusCode == HttpStatusCode.InternalServerError && current.State is { Running: false })
                    {
                        // A state conflict ("not running"), whichever status the engine chose for it.
                        throw new DockerApiException(HttpStatusCode.Conflict, exception.ResponseBody);
                    }

                    throw;
                }

                changed = false;
            }

            var after = await docker.Containers.InspectContainerAsync(id, token);
            return new ContainerActionResult(after.ID, action, changed, after.State?.Status ?? "unknown");
        }, cancellationToken);
        return TypedResults.Ok(result);
    }

    private static async Task<ContainerSummary> FindAsync(IDockerClient docker, string name, CancellationToken cancellationToken)
    {
        var found = await docker.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["name"] = new Dictionary<string, bool> { ["^/" + Regex.Escape(name) + "$"] = true } },
        }, cancellationToken);
        return found.Count > 0
            ? ContainerMapper.ToSummary(found[0])
            : throw new DockerApiException(HttpStatusCode.NotFound, $"{{\"message\":\"No such container: {name}\"}}");
    }
}
