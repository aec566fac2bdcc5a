using System.Net;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using WakeDock.Containers.Docker;
using WakeDock.Containers.Docker.Images;
using WakeDock.Containers.Engine;
using WakeDock.ServiceDefaults.Security;

namespace WakeDock.Containers.Apis;

/// <summary>
/// <c>/api/v1/images</c>. An image is named in the path by id (<c>sha256:…</c> or a short id) or by
/// any reference, slashes and registry port included (<c>127.0.0.1:5000/team/app:1.2</c>): the
/// routes end in a catch-all, and tagging is <c>POST /api/v1/images/{reference}/tag</c>.
/// </summary>
public static class ImagesApi
{
    private const string TagSuffix = "/tag";

    public static IEndpointRouteBuilder MapImagesEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var read = endpoints.MapGroup("/api/v1/images").WithTags("Images").RequireAuthorization(WakeDockPolicies.Viewer);
        var change = endpoints.MapGroup("/api/v1/images").WithTags("Images").RequireAuthorization(WakeDockPolicies.Operator);

        read.MapGet("", ListAsync).WithName("ListImages")
            .WithSummary("Lists images; filters: dangling, reference (e.g. 'team/*'), label (key or key=value, repeatable)")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        read.MapGet("{**reference}", InspectAsync).WithName("InspectImage")
            .WithSummary("Inspects an image by id or reference")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        change.MapPost("pull", Pull).WithName("PullImage")
            .WithSummary("Pulls an image, streaming per-layer progress (text/event-stream, or application/x-ndjson)")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status502BadGateway).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        change.MapPost("prune", PruneAsync).WithName("PruneImages")
            .WithSummary("Removes dangling (default) or all unused images, optionally only those with given labels")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        change.MapPost("{**target}", TagAsync).WithName("TagImage")
            .WithSummary("Tags an image: POST /api/v1/images/{reference}/tag with {repository, tag}")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        change.MapDelete("{**reference}", RemoveAsync).WithName("RemoveImage")
            .WithSummary("Removes an image or one of its tags (409 when a container uses it, unless force)")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return endpoints;
    }

    private static async Task<Results<Ok<ImageSummary[]>, ValidationProblem>> ListAsync(
        IDockerEngine engine, bool? dangling, string? reference, [FromQuery] string[]? label, bool? all, CancellationToken cancellationToken)
    {
        var errors = new RequestErrors();
        errors.CheckLabelFilters("label", label);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var filters = new EngineFilters().Add("dangling", dangling).Add("reference", reference).Add("label", label).Build();
        var images = await engine.RunAsync(
            (docker, token) => docker.Images.ListImagesAsync(new ImagesListParameters { All = all ?? false, Filters = filters }, token), cancellationToken);
        return TypedResults.Ok(images.Select(ImageSummary.From).OrderByDescending(image => image.Created).ToArray());
    }

    private static async Task<Results<Ok<ImageDetails>, ProblemHttpResult>> InspectAsync(IDockerEngine engine, string? reference, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(reference))
        {
            return NoSuchImage(reference);
        }

        try
        {
            var image = await engine.RunAsync((docker, token) => docker.Images.InspectImageAsync(reference, token), cancellationToken);
            return TypedResults.Ok(ImageDetails.From(image));
        }
        catch (DockerApiException exception) when (exception.StatusCode == HttpStatusCode.NotFound)
        {
            return NoSuchImage(reference);
        }
    }

    private static Results<ImagePullResult, ValidationProblem> Pull(IDockerEngine engine, ImagePullRequest? request)
    {
        var errors = new RequestErrors();
        var target = ImageRules.CheckPull(request, errors);
        return target is null ? errors.ToProblem() : new ImagePullResult(engine, target);
    }

    private static async Task<Results<Created<ImageTagged>, ValidationProblem, ProblemHttpResult>> TagAsync(
        IDockerEngine engine, string? target, ImageTagRequest? request, CancellationToken cancellationToken)
    {
        // The catch-all keeps references with '/' intact; only ".../tag" is an action here.
        if (target is null || !target.EndsWith(TagSuffix, StringComparison.Ordinal) || target.Length == TagSuffix.Length)
        {
            return EngineErrors.NotFound("No such image action", "Images support POST /api/v1/images/pull, /prune and /{reference}/tag.");
        }

        var source = target[..^TagSuffix.Length];
        var errors = new RequestErrors();
        var name = ImageRules.CheckTag(request, errors);
        if (name is not { } newName)
        {
            return errors.ToProblem();
        }

        try
        {
            var image = await engine.RunAsync(async (docker, token) =>
            {
                await docker.Images.TagImageAsync(source, new ImageTagParameters { RepositoryName = newName.Repository, Tag = newName.Tag }, token);
                return await docker.Images.InspectImageAsync($"{newName.Repository}:{newName.Tag}", token);
            }, cancellationToken);
            var reference = $"{newName.Repository}:{newName.Tag}";
            return TypedResults.Created($"/api/v1/images/{reference}", new ImageTagged(reference, image.ID));
        }
        catch (DockerApiException exception) when (exception.StatusCode == HttpStatusCode.NotFound)
        {
            return NoSuchImage(source);
        }
    }

    private static async Task<Results<Ok<ImageRemoval>, ProblemHttpResult>> RemoveAsync(
        IDockerEngine engine, string? reference, bool? force, bool? noprune, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(reference))
        {
            return NoSuchImage(reference);
        }

        try
        {
            var removed = await engine.RunAsync(
                (docker, token) => docker.Images.DeleteImageAsync(reference, new ImageDeleteParameters { Force = force ?? false, NoPrune = noprune ?? false }, token),
                cancellationToken);
            return TypedResults.Ok(ImageRemoval.From(removed));
        }
        catch (DockerApiException exception) when (exception.StatusCode == HttpStatusCode.NotFound)
        {
            return NoSuchImage(reference);
        }
        catch (DockerApiException exception) when (exception.StatusCode == HttpStatusCode.Conflict)
        {
            return EngineErrors.Conflict("The image is in use", EngineErrors.Message(exception));
        }
    }

    private static async Task<Results<Ok<ImagePruneResult>, ValidationProblem>> PruneAsync(
        IDockerEngine engine, [FromBody] ImagePruneRequest? request, CancellationToken cancellationToken)
    {
        var errors = new RequestErrors();
        errors.CheckLabelFilters("labels", request?.Labels);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        // The engine's default is dangling only; dangling=false widens it to every unused image.
        var filters = new EngineFilters().Add("dangling", request?.Dangling ?? true).Add("label", request?.Labels).Build();
        var pruned = await engine.RunAsync(
            (docker, token) => docker.Images.PruneImagesAsync(new ImagesPruneParameters { Filters = filters }, token), cancellationToken);
        return TypedResults.Ok(ImagePruneResult.From(pruned));
    }

    private static ProblemHttpResult NoSuchImage(string? reference) =>
        EngineErrors.NotFound("Image not found", $"The Docker engine has no image '{reference}'.");
}
