using WakeDock.Containers.Docker.Containers;
using WakeDock.ServiceDefaults.Security;

namespace WakeDock.Containers.Apis;

public static class ContainersApi
{
    public static IEndpointRouteBuilder MapContainersApi(this IEndpointRouteBuilder endpoints)
    {
        // GET /api/v1/containers/info is this service's own info; the literal route wins over {id}.
        endpoints.MapServiceInfo("containers");
        endpoints.MapContainersEndpoints();
        endpoints.MapStreamEndpoints();
        endpoints.MapEngineEndpoints();
        endpoints.MapImagesEndpoints();
        endpoints.MapNetworksEndpoints();
        endpoints.MapVolumesEndpoints();
        endpoints.MapManagedServiceEndpoints();
        endpoints.MapServiceActionEndpoints();
        return endpoints;
    }

    /// <summary>
    /// <c>/api/v1/containers</c>: Docker containers (managed by WakeDock or not). Reading needs the
    /// viewer role, changing the operator role. Handlers live in <see cref="WakeDock.Containers.Docker.Containers"/>.
    /// </summary>
    public static IEndpointRouteBuilder MapContainersEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var containers = endpoints.MapGroup("/api/v1/containers").WithTags("Containers").RequireAuthorization(WakeDockPolicies.Viewer)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        containers.MapGet("/", ContainerEndpoints.ListAsync).WithName("ListContainers")
            .WithSummary("Containers, all by default; filters: state (repeatable), name (substring), label (key or key=value, repeatable), managed, all. "
                + "/api/v1/containers/info is the service's own info, not a container")
            .ProducesValidationProblem();
        containers.MapGet("/{id}", ContainerEndpoints.InspectAsync).WithName("InspectContainer")
            .WithSummary("One container by id or name: config, host config, state with health, mounts, networks; secret-looking environment values masked. "
                + "'info' is the service's own info endpoint")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        containers.MapGet("/{id}/logs", ContainerEndpoints.LogsAsync).WithName("GetContainerLogs")
            .WithSummary("Logs up to now (not streamed), line by line with stdout/stderr: tail (default 1000, or all), since (unix seconds, ISO time or 30s/15m/2h/1d), "
                + "timestamps, stdout, stderr; at most 8 MiB (truncated: true)")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        containers.MapGet("/{id}/top", ContainerEndpoints.TopAsync).WithName("GetContainerProcesses")
            .WithSummary("Processes in a running container (ps_args: ps options, default -ef); 409 when it is not running")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);

        var change = containers.MapGroup("/").RequireAuthorization(WakeDockPolicies.Operator)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        change.MapPost("/{id}/start", ContainerActionEndpoints.StartAsync).WithName("StartContainer")
            .WithSummary("Start; 200 with the state afterwards, changed: false when it already ran");
        change.MapPost("/{id}/stop", ContainerActionEndpoints.StopAsync).WithName("StopContainer")
            .WithSummary("Stop, killing after timeout seconds (default: the container's stop timeout); changed: false when it was not running");
        change.MapPost("/{id}/restart", ContainerActionEndpoints.RestartAsync).WithName("RestartContainer")
            .WithSummary("Restart (starts a stopped container), killing after timeout seconds");
        change.MapPost("/{id}/pause", ContainerActionEndpoints.PauseAsync).WithName("PauseContainer")
            .WithSummary("Pause (freeze) its processes; changed: false when already paused; 409 when not running");
        change.MapPost("/{id}/unpause", ContainerActionEndpoints.UnpauseAsync).WithName("UnpauseContainer")
            .WithSummary("Unpause; changed: false when running and not paused; 409 when not running");
        change.MapPost("/{id}/kill", ContainerActionEndpoints.KillAsync).WithName("KillContainer")
            .WithSummary("Send a signal (signal: name or number, default SIGKILL); 409 when not running");
        change.MapPost("/{id}/rename", ContainerActionEndpoints.RenameAsync).WithName("RenameContainer")
            .WithSummary("Rename to {\"name\"} ([a-zA-Z0-9][a-zA-Z0-9_.-]+); 200 with the renamed container; 409 when the name is taken");
        change.MapDelete("/{id}", ContainerActionEndpoints.RemoveAsync).WithName("RemoveContainer")
            .WithSummary("Remove; force=true also when running, volumes=true also its anonymous volumes; 204");
        return endpoints;
    }
}
