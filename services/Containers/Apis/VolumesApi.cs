using System.Net;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using WakeDock.Containers.Docker;
using WakeDock.Containers.Docker.Volumes;
using WakeDock.Containers.Engine;
using WakeDock.ServiceDefaults.Security;

namespace WakeDock.Containers.Apis;

/// <summary><c>/api/v1/volumes</c>: list, inspect, create, remove, prune.</summary>
public static class VolumesApi
{
    public static IEndpointRouteBuilder MapVolumesEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var read = endpoints.MapGroup("/api/v1/volumes").WithTags("Volumes").RequireAuthorization(WakeDockPolicies.Viewer);
        var change = endpoints.MapGroup("/api/v1/volumes").WithTags("Volumes").RequireAuthorization(WakeDockPolicies.Operator);

        read.MapGet("", ListAsync).WithName("ListVolumes")
            .WithSummary("Lists volumes; filters: name, driver, label (key or key=value, repeatable), dangling")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        read.MapGet("{name}", InspectAsync).WithName("InspectVolume").WithSummary("Inspects a volume")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        change.MapPost("", CreateAsync).WithName("CreateVolume").WithSummary("Creates a volume (409 when the name is taken)")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        change.MapPost("prune", PruneAsync).WithName("PruneVolumes")
            .WithSummary("Removes unused volumes, optionally only those with given labels")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        change.MapDelete("{name}", RemoveAsync).WithName("RemoveVolume").WithSummary("Removes a volume (409 while a container uses it)")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return endpoints;
    }

    private static async Task<Results<Ok<VolumeDetails[]>, ValidationProblem>> ListAsync(
        IDockerEngine engine, string? name, string? driver, [FromQuery] string[]? label, bool? dangling, CancellationToken cancellationToken)
    {
        var errors = new RequestErrors();
        errors.CheckLabelFilters("label", label);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var filters = new EngineFilters().Add("name", name).Add("driver", driver).Add("label", label).Add("dangling", dangling).Build();
        var volumes = await engine.RunAsync((docker, token) => docker.Volumes.ListAsync(new VolumesListParameters { Filters = filters }, token), cancellationToken);
        return TypedResults.Ok((volumes.Volumes ?? []).Select(VolumeDetails.From).OrderBy(volume => volume.Name, StringComparer.Ordinal).ToArray());
    }

    private static async Task<Results<Ok<VolumeDetails>, ProblemHttpResult>> InspectAsync(IDockerEngine engine, string name, CancellationToken cancellationToken)
    {
        try
        {
            return TypedResults.Ok(VolumeDetails.From(await engine.RunAsync((docker, token) => docker.Volumes.InspectAsync(name, token), cancellationToken)));
        }
        catch (DockerApiException exception) when (exception.StatusCode == HttpStatusCode.NotFound)
        {
            return NoSuchVolume(name);
        }
    }

    private static async Task<Results<Created<VolumeDetails>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        IDockerEngine engine, VolumeCreateRequest? request, CancellationToken cancellationToken)
    {
        var errors = new RequestErrors();
        var parameters = VolumeRules.CheckCreate(request, errors);
        if (parameters is null)
        {
            return errors.ToProblem();
        }

        var volume = await engine.RunAsync(async (docker, token) =>
        {
            // The engine's create is idempotent (it returns the existing volume): a taken name is a conflict here.
            if (parameters.Name is not null && await ExistsAsync(docker, parameters.Name, token))
            {
                return null;
            }

            return await docker.Volumes.CreateAsync(parameters, token);
        }, cancellationToken);
        if (volume is null)
        {
            return EngineErrors.Conflict("The volume exists", $"A volume named '{parameters.Name}' already exists.");
        }

        return TypedResults.Created($"/api/v1/volumes/{volume.Name}", VolumeDetails.From(volume));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveAsync(IDockerEngine engine, string name, bool? force, CancellationToken cancellationToken)
    {
        try
        {
            await engine.RunAsync((docker, token) => docker.Volumes.RemoveAsync(name, force ?? false, token), cancellationToken);
            return TypedResults.NoContent();
        }
        catch (DockerApiException exception) when (exception.StatusCode == HttpStatusCode.NotFound)
        {
            return NoSuchVolume(name);
        }
        catch (DockerApiException exception) when (exception.StatusCode == HttpStatusCode.Conflict)
        {
            return EngineErrors.Conflict("The volume is in use", EngineErrors.Message(exception));
        }
    }

    private static async Task<Results<Ok<VolumePruneResult>, ValidationProblem>> PruneAsync(
        IDockerEngine engine, [FromBody] VolumePruneRequest? request, CancellationToken cancellationToken)
    {
        var errors = new RequestErrors();
        errors.CheckLabelFilters("labels", request?.Labels);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var filters = new EngineFilters().Add("label", request?.Labels).Build();
        var pruned = await engine.RunAsync((docker, token) => docker.Volumes.PruneAsync(new VolumesPruneParameters { Filters = filters }, token), cancellationToken);
        return TypedResults.Ok(new VolumePruneResult([.. pruned.VolumesDeleted ?? []], (long)Math.Min(pruned.SpaceReclaimed, long.MaxValue)));
    }

    private static async Task<bool> ExistsAsync(IDockerClient docker, string name, CancellationToken cancellationToken)
    {
        try
        {
            await docker.Volumes.InspectAsync(name, cancellationToken);
            return true;
        }
        catch (DockerApiException exception) when (exception.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    private static ProblemHttpResult NoSuchVolume(string name) => EngineErrors.NotFound("Volume not found", $"The Docker engine has no volume '{name}'.");
}
