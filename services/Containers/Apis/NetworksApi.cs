using System.Net;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using WakeDock.Containers.Docker;
using WakeDock.Containers.Docker.Networks;
using WakeDock.Containers.Engine;
using WakeDock.ServiceDefaults.Security;

namespace WakeDock.Containers.Apis;

/// <summary><c>/api/v1/networks</c>: list, inspect, create, connect, disconnect, remove, prune.</summary>
public static class NetworksApi
{
    public static IEndpointRouteBuilder MapNetworksEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var read = endpoints.MapGroup("/api/v1/networks").WithTags("Networks").RequireAuthorization(WakeDockPolicies.Viewer);
        var change = endpoints.MapGroup("/api/v1/networks").WithTags("Networks").RequireAuthorization(WakeDockPolicies.Operator);

        read.MapGet("", ListAsync).WithName("ListNetworks")
            .WithSummary("Lists networks; filters: name, driver, label (key or key=value, repeatable), type (custom or builtin)")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        read.MapGet("{id}", InspectAsync).WithName("InspectNetwork").WithSummary("Inspects a network by id or name")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        change.MapPost("", CreateAsync).WithName("CreateNetwork")
            .WithSummary("Creates a network (bridge by default; optional subnet, gateway and IP range)")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        change.MapPost("prune", PruneAsync).WithName("PruneNetworks")
            .WithSummary("Removes unused networks, optionally only those with given labels")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        change.MapPost("{id}/connect", ConnectAsync).WithName("ConnectNetwork").WithSummary("Connects a container to the network")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        change.MapPost("{id}/disconnect", DisconnectAsync).WithName("DisconnectNetwork").WithSummary("Disconnects a container from the network")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        change.MapDelete("{id}", RemoveAsync).WithName("RemoveNetwork").WithSummary("Removes a network (409 while containers use it)")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return endpoints;
    }

    private static async Task<Results<Ok<NetworkDetails[]>, ValidationProblem>> ListAsync(
        IDockerEngine engine, string? name, string? driver, [FromQuery] string[]? label, string? type, CancellationToken cancellationToken)
    {
        var errors = new RequestErrors();
        errors.CheckLabelFilters("label", label);
        if (type is not null and not ("custom" or "builtin"))
        {
            errors.Add("type", "type is 'custom' or 'builtin'.");
        }

        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var filters = new EngineFilters().Add("name", name).Add("driver", driver).Add("label", label).Add("type", type).Build();
        var networks = await engine.RunAsync(
            (docker, token) => docker.Networks.ListNetworksAsync(new NetworksListParameters { Filters = filters }, token), cancellationToken);
        return TypedResults.Ok(networks.Select(NetworkDetails.From).OrderBy(network => network.Name, StringComparer.Ordinal).ToArray());
    }

    private static async Task<Results<Ok<NetworkDetails>, ProblemHttpResult>> InspectAsync(IDockerEngine engine, string id, CancellationToken cancellationToken)
    {
        try
        {
            return TypedResults.Ok(NetworkDetails.From(await engine.RunAsync((docker, token) => docker.Networks.InspectNetworkAsync(id, token), cancellationToken)));
        }
        catch (DockerApiException exception) when (IsMapped(exception))
        {
            return Problem(exception, id);
        }
    }

    private static async Task<Results<Created<NetworkDetails>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        IDockerEngine engine, NetworkCreateRequest? request, CancellationToken cancellationToken)
    {
        var errors = new RequestErrors();
        var parameters = NetworkRules.CheckCreate(request, errors);
        if (parameters is null)
        {
            return errors.ToProblem();
        }

        try
        {
            var network = await engine.RunAsync(async (docker, token) =>
            {
                var created = await docker.Networks.CreateNetworkAsync(parameters, token);
                return await docker.Networks.InspectNetworkAsync(created.ID, token);
            }, cancellationToken);
            return TypedResults.Created($"/api/v1/networks/{network.ID}", NetworkDetails.From(network));
        }
        catch (DockerApiException exception) when (IsMapped(exception))
        {
            return Problem(exception, parameters.Name);
        }
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> ConnectAsync(
        IDockerEngine engine, string id, NetworkConnectRequest? request, CancellationToken cancellationToken)
    {
        var errors = new RequestErrors();
        NetworkRules.CheckContainer(request?.Container, errors);
        NetworkRules.CheckAliases(request?.Aliases, errors);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var parameters = new NetworkConnectParameters
        {
            Container = request!.Container!.Trim(),
            EndpointConfig = request.Aliases is { Count: > 0 } aliases ? new EndpointSettings { Aliases = [.. aliases] } : null,
        };
        try
        {
            await engine.RunAsync((docker, token) => docker.Networks.ConnectNetworkAsync(id, parameters, token), cancellationToken);
            return TypedResults.NoContent();
        }
        catch (DockerApiException exception) when (IsMapped(exception))
        {
            return Problem(exception, id);
        }
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> DisconnectAsync(
        IDockerEngine engine, string id, NetworkDisconnectRequest? request, CancellationToken cancellationToken)
    {
        var errors = new RequestErrors();
        NetworkRules.CheckContainer(request?.Container, errors);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var parameters = new NetworkDisconnectParameters { Container = request!.Container!.Trim(), Force = request.Force ?? false };
        try
        {
            await engine.RunAsync((docker, token) => docker.Networks.DisconnectNetworkAsync(id, parameters, token), cancellationToken);
            return TypedResults.NoContent();
        }
        catch (DockerApiException exception) when (IsMapped(exception))
        {
            return Problem(exception, id);
        }
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveAsync(IDockerEngine engine, string id, CancellationToken cancellationToken)
    {
        if (NetworkDetails.Predefined.Contains(id))
        {
            return EngineErrors.Conflict("The network cannot be removed", $"'{id}' is one of the engine's pre-defined networks.");
        }

        try
        {
            await engine.RunAsync((docker, token) => docker.Networks.DeleteNetworkAsync(id, token), cancellationToken);
            return TypedResults.NoContent();
        }
        catch (DockerApiException exception) when (IsMapped(exception))
        {
            return Problem(exception, id);
        }
    }

    private static async Task<Results<Ok<NetworkPruneResult>, ValidationProblem>> PruneAsync(
        IDockerEngine engine, [FromBody] NetworkPruneRequest? request, CancellationToken cancellationToken)
    {
        var errors = new RequestErrors();
        errors.CheckLabelFilters("labels", request?.Labels);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var filters = new EngineFilters().Add("label", request?.Labels).Build();
        var pruned = await engine.RunAsync(
            (docker, token) => docker.Networks.PruneNetworksAsync(new NetworksDeleteUnusedParameters { Filters = filters }, token), cancellationToken);
        return TypedResults.Ok(new NetworkPruneResult([.. pruned.NetworksDeleted ?? []]));
    }

    // The engine answers 403 for state conflicts (pre-defined network, overlapping pool, active
    // endpoints, already connected): those are 409 here, not a role problem.
    private static bool IsMapped(DockerApiException exception) =>
        exception.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Conflict || EngineErrors.IsForbidden(exception);

    private static ProblemHttpResult Problem(DockerApiException exception, string? network) => exception.StatusCode == HttpStatusCode.NotFound
        ? EngineErrors.NotFound("Not found", EngineErrors.Message(exception))
        : EngineErrors.Conflict($"Conflict with network '{network}'", EngineErrors.Message(exception));
}
