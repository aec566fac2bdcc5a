using WakeDock.Containers.Lifecycle;
using WakeDock.ServiceDefaults.Security;

namespace WakeDock.Containers.Apis;

/// <summary>A redeploy's body: a new image reference, or none to recreate with the same one.</summary>
public sealed record RedeployRequest(string? Image);

/// <summary>A service's state after an action.</summary>
public sealed record ServiceActionView(Guid Id, string Name, string State);

/// <summary>
/// <c>/api/v1/services/{idOrName}/{deploy|wake|sleep|restart|redeploy}</c> (operators): the
/// actions of the wake/sleep state machine. A wake answers once the service is Ready, Unhealthy or
/// Failed (or its blocking timeout passed); 409 when the service's state does not allow the action.
/// </summary>
public static class ServiceActionsApi
{
    public static IEndpointRouteBuilder MapServiceActionEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var actions = endpoints.MapGroup("/api/v1/services/{idOrName}").WithTags("Services").RequireAuthorization(WakeDockPolicies.Operator)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        actions.MapPost("/deploy", (string idOrName, ServiceLifecycle lifecycle, CancellationToken cancellationToken)
                => RunAsync(idOrName, lifecycle.DeployAsync(idOrName, cancellationToken)))
            .WithName("DeployService").WithSummary("Create the service's container (wakedock-<name>) from its definition, replacing an existing one; the service sleeps afterwards");
        actions.MapPost("/wake", (string idOrName, ServiceLifecycle lifecycle, CancellationToken cancellationToken)
                => RunAsync(idOrName, lifecycle.WakeAsync(idOrName, cancellationToken)))
            .WithName("WakeService").WithSummary("Wake the service (its dependencies first; deploying it when needed) and answer its state once settled; concurrent wakes start it once");
        actions.MapPost("/sleep", (string idOrName, ServiceLifecycle lifecycle, CancellationToken cancellationToken)
                => RunAsync(idOrName, lifecycle.SleepAsync(idOrName, "sleep requested", cancellationToken)))
            .WithName("SleepService").WithSummary("Put the service to sleep: stop its container, or pause it when its sleep mode is pause");
        actions.MapPost("/restart", (string idOrName, ServiceLifecycle lifecycle, CancellationToken cancellationToken)
                => RunAsync(idOrName, lifecycle.RestartAsync(idOrName, cancellationToken)))
            .WithName("RestartService").WithSummary("Sleep then wake the service; 409 when it sleeps");
        actions.MapPost("/redeploy", (string idOrName, RedeployRequest? request, ServiceLifecycle lifecycle, CancellationToken cancellationToken)
                => RunAsync(idOrName, lifecycle.RedeployAsync(idOrName, request?.Image, cancellationToken)))
            .WithName("RedeployService").WithSummary("Recreate the container keeping named volumes, with {\"image\"} when given; woken again when it was awake")
            .ProducesValidationProblem();
        return endpoints;
    }

    private static async Task<IResult> RunAsync(string idOrName, Task<LifecycleResult> action)
    {
        var result = await action;
        return result.Status switch
        {
            LifecycleStatus.Ok => TypedResults.Ok(new ServiceActionView(result.Id!.Value, result.Name!, result.State!)),
            LifecycleStatus.NotFound => TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound, title: "Service not found", detail: $"No managed service has the id or name '{idOrName}'."),
            LifecycleStatus.Conflict => TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict, title: "The service's state does not allow this action.", detail: result.Detail),
            LifecycleStatus.Invalid => TypedResults.ValidationProblem(
                new Dictionary<string, string[]>(StringComparer.Ordinal) { ["image"] = [result.Detail ?? "Not a valid image reference."] }, title: "The request is not valid."),
            _ => TypedResults.Problem(
                statusCode: StatusCodes.Status422UnprocessableEntity, title: "The engine refused the service's container.", detail: result.Detail),
        };
    }
}
