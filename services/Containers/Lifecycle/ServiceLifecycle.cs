using System.Collections.Concurrent;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.EntityFrameworkCore;
using WakeDock.Containers.Engine;
using WakeDock.Containers.Infrastructure;
using WakeDock.Containers.Services;
using WakeDock.Contracts.Services;

namespace WakeDock.Containers.Lifecycle;

public enum LifecycleStatus
{
    Ok,
    NotFound,
    Conflict,
    Invalid,
    Failed,
}

/// <summary>The outcome of an action: the service's state afterwards, or why it was refused or failed.</summary>
public sealed record LifecycleResult(LifecycleStatus Status, Guid? Id = null, string? Name = null, string? State = null, string? Detail = null);

/// <summary>
/// Deploy, wake, sleep, restart and redeploy of managed services. Wakes of one service share one
/// task in this process; across replicas the conditional Sleeping→Waking update lets exactly one
/// start the container while the others wait for its state. Dependencies are woken first.
/// </summary>
public sealed partial class ServiceLifecycle(
    IDockerEngine engine, IServiceScopeFactory scopes, ServiceStateMachine states, ServiceReadiness readiness, ILogger<ServiceLifecycle> logger)
{
    private static readonly string[] Wakeable = [ServiceStates.Sleeping, ServiceStates.Failed];
    private static readonly string[] Sleepable = [ServiceStates.Ready, ServiceStates.Unhealthy, ServiceStates.Waking, ServiceStates.Failed];
    private readonly ConcurrentDictionary<Guid, Lazy<Task<LifecycleResult>>> wakes = new();
    private readonly ConcurrentDictionary<Guid, SemaphoreSlim> gates = new();

    public async Task<ManagedService?> FindAsync(string idOrName, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ServiceStore>().FindAsync(idOrName, cancellationToken);
    }

    /// <summary>(Re)creates the container from the definition; a running one is put to sleep first. Named volumes stay.</summary>
    public async Task<LifecycleResult> DeployAsync(string idOrName, CancellationToken cancellationToken)
    {
        if (await FindAsync(idOrName, cancellationToken) is not { } service)
        {
            return new(LifecycleStatus.NotFound);
        }

        if (service.State is ServiceStates.Waking or ServiceStates.Stopping)
        {
            return Conflict(service, $"'{service.Name}' is {service.State}; deploy it once that is over.");
        }

        return await DeployAsync(service, cancellationToken);
    }

    public async Task<LifecycleResult> WakeAsync(string idOrName, CancellationToken cancellationToken)
        => await FindAsync(idOrName, cancellationToken) is { } service ? await WakeAsync(service, cancellationToken) : new(LifecycleStatus.NotFound);

    public async Task<LifecycleResult> SleepAsync(string idOrName, string reason, CancellationToken cancellationToken)
    {
        if (await FindAsync(idOrName, cancellationToken) is not { } service)
        {
            return new(LifecycleStatus.NotFound);
        }

        if (!Sleepable.Contains(service.State))
        {
            return Conflict(service, $"'{service.Name}' is {service.State}: there is nothing to put to sleep.");
        }

        return await SleepAsync(service, reason, cancellationToken);
    }

    public async Task<LifecycleResult> RestartAsync(string idOrName, CancellationToken cancellationToken)
    {
        if (await FindAsync(idOrName, cancellationToken) is not { } service)
        {
            return new(LifecycleStatus.NotFound);
        }

        if (!Sleepable.Contains(service.State) || service.State == ServiceStates.Waking)
        {
            return Conflict(service, $"'{service.Name}' is {service.State}; wake it instead of restarting it.");
        }

        var slept = await SleepAsync(service, "restart", cancellationToken, stop: true);
        return slept.Status == LifecycleStatus.Ok ? await WakeAsync(service, cancellationToken) : slept;
    }

    /// <summary>Recreates the container, with <paramref name="image"/> when given; wakes it again when it was awake.</summary>
    public async Task<LifecycleResult> RedeployAsync(string idOrName, string? image, CancellationToken cancellationToken)
    {
        if (await FindAsync(idOrName, cancellationToken) is not { } service)
        {
            return new(LifecycleStatus.NotFound);
        }

        if (service.State is ServiceStates.Waking or ServiceStates.Stopping)
        {
            return Conflict(service, $"'{service.Name}' is {service.State}; redeploy it once that is over.");
        }

        if (image is not null)
        {
            if (!ImageReference.TryParse(image.Trim(), out var reference, out var error))
            {
                return new(LifecycleStatus.Invalid, service.Id, service.Name, service.State, error);
            }

            service.Image = reference.ToString();
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ContainersDbContext>();
            await db.Services.Where(s => s.Id == service.Id).ExecuteUpdateAsync(update => update.SetProperty(s => s.Image, service.Image), cancellationToken);
        }

        var wasAwake = service.State is ServiceStates.Ready or ServiceStates.Unhealthy;
        var deployed = await DeployAsync(service, cancellationToken);
        return deployed.Status == LifecycleStatus.Ok && wasAwake ? await WakeAsync(service, cancellationToken) : deployed;
    }

    private async Task<LifecycleResult> WakeAsync(ManagedService service, CancellationToken cancellationToken)
    {
        if (service.State == ServiceStates.Stopping)
        {
            return Conflict(service, $"'{service.Name}' is being put to sleep; wake it afterwards.");
        }

        // Concurrent wakes share one task; it runs on its own clock so one caller leaving does not cancel it for the others.
        var wake = wakes.GetOrAdd(service.Id, id => new Lazy<Task<LifecycleResult>>(() => RunWakeAsync(id)));
        return await wake.Value.WaitAsync(cancellationToken);
    }

    private async Task<LifecycleResult> RunWakeAsync(Guid serviceId)
    {
        try
        {
            return await WakeOnceAsync(serviceId);
        }
        finally
        {
            // The next wake after this one settles is a new wake.
            wakes.TryRemove(serviceId, out _);
        }
    }

    private async Task<LifecycleResult> WakeOnceAsync(Guid serviceId)
    {
        var cancellationToken = CancellationToken.None;
        if (await states.ReadAsync(serviceId, cancellationToken) is not { } service)
        {
            return new(LifecycleStatus.NotFound);
        }

        var timeout = TimeSpan.FromSeconds(service.BlockingTimeoutSeconds > 0 ? service.BlockingTimeoutSeconds : ServiceLimits.BlockingTimeoutSeconds);
        foreach (var name in service.DependsOn)
        {
            var dependency = await WakeAsync(name, cancellationToken);
            if (dependency.State != ServiceStates.Ready)
            {
                await states.TryMoveAsync(serviceId, Wakeable, ServiceStates.Failed, $"dependency '{name}' is {dependency.State ?? "missing"}", cancellationToken);
                return Result(await states.ReadAsync(serviceId, cancellationToken) ?? service, LifecycleStatus.Ok);
            }
        }

        if (Wakeable.Contains(service.State))
        {
            var failure = await StartAsync(service, cancellationToken);
            if (failure is not null)
            {
                return failure;
            }
        }

        var settled = await states.WaitSettledAsync(serviceId, timeout, cancellationToken);
        if (settled?.State == ServiceStates.Waking
            && await states.TryMoveAsync(serviceId, [ServiceStates.Waking], ServiceStates.Failed, $"not ready within {timeout.TotalSeconds:0} s", cancellationToken))
        {
            settled = await states.ReadAsync(serviceId, cancellationToken);
        }

        return settled is null ? new(LifecycleStatus.NotFound) : Result(settled, LifecycleStatus.Ok);
    }

    /// <summary>Sleeping/Failed → Waking, then start (or unpause) the container; null when the service is waking.</summary>
    private async Task<LifecycleResult?> StartAsync(ManagedService service, CancellationToken cancellationToken)
    {
        var gate = gates.GetOrAdd(service.Id, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            var container = await InspectAsync(service.Name, cancellationToken);
            if (container is null)
            {
                var deployed = await CreateAsync(service, cancellationToken);
                if (deployed.Status != LifecycleStatus.Ok)
                {
                    return deployed;
                }

                container = await InspectAsync(service.Name, cancellationToken);
            }

            // Only the replica that makes this transition starts the container.
            if (!await states.TryMoveAsync(service.Id, Wakeable, ServiceStates.Waking, "wake requested", cancellationToken))
            {
                return null;
            }

            if (container!.State is { Paused: true })
            {
                await engine.RunAsync((docker, token) => docker.Containers.UnpauseContainerAsync(container.ID, token), cancellationToken);
            }
            else if (container.State is { Running: true })
            {
                // Already running (a failed health check earlier): no start event will come, so settle it now.
                await readiness.OnRunningAsync(service, container, cancellationToken);
            }
            else
            {
                await engine.RunAsync((docker, token) => docker.Containers.StartContainerAsync(container.ID, new ContainerStartParameters(), token), cancellationToken);
            }

            return null;
        }
        catch (DockerApiException exception)
        {
            await states.TryMoveAsync(service.Id, [ServiceStates.Waking, .. Wakeable], ServiceStates.Failed, EngineMessage(exception), cancellationToken);
            return null;
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<LifecycleResult> DeployAsync(ManagedService service, CancellationToken cancellationToken)
    {
        if (await InspectAsync(service.Name, cancellationToken) is { } existing)
        {
            if (existing.State is { Running: true })
            {
                await SleepAsync(service, "redeploy", cancellationToken, stop: true);
            }

            await engine.RunAsync((docker, token) => docker.Containers.RemoveContainerAsync(existing.ID, new ContainerRemoveParameters { Force = true }, token), cancellationToken);
        }

        // A fresh container is not running: whatever the state said, the service sleeps now.
        await states.TryMoveAsync(service.Id, [.. Sleepable, ServiceStates.Stopping], ServiceStates.Sleeping, "deployed", cancellationToken);
        return await CreateAsync(service, cancellationToken);
    }

    private async Task<LifecycleResult> CreateAsync(ManagedService service, CancellationToken cancellationToken)
    {
        try
        {
            var created = await engine.RunAsync((docker, token) => docker.Containers.CreateContainerAsync(ContainerSpec.Build(service), token), cancellationToken);
            foreach (var network in ContainerSpec.ExtraNetworks(service))
            {
                await engine.RunAsync((docker, token) => docker.Networks.ConnectNetworkAsync(network, new NetworkConnectParameters { Container = created.ID }, token), cancellationToken);
            }

            LogDeployed(logger, service.Name, created.ID);
            return Result(await states.ReadAsync(service.Id, cancellationToken) ?? service, LifecycleStatus.Ok);
        }
        catch (DockerApiException exception)
        {
            var reason = EngineMessage(exception);
            await states.TryMoveAsync(service.Id, ServiceStates.All, ServiceStates.Failed, reason, cancellationToken);
            return new(LifecycleStatus.Failed, service.Id, service.Name, ServiceStates.Failed, $"The container could not be created: {reason}");
        }
    }

    /// <param name="stop">Stop even when the sleep mode is pause (a restart or a redeploy).</param>
    private async Task<LifecycleResult> SleepAsync(ManagedService service, string reason, CancellationToken cancellationToken, bool stop = false)
    {
        var gate = gates.GetOrAdd(service.Id, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            await states.TryMoveAsync(service.Id, Sleepable, ServiceStates.Stopping, reason, cancellationToken);
            // A paused container already sleeps (a redeploy removes it by force).
            if (await InspectAsync(service.Name, cancellationToken) is { State.Running: true, State.Paused: false } container)
            {
                await engine.RunAsync(
                    (docker, token) => service.SleepMode == SleepModes.Pause && !stop
                        ? docker.Containers.PauseContainerAsync(container.ID, token)
                        : docker.Containers.StopContainerAsync(container.ID, new ContainerStopParameters { WaitBeforeKillSeconds = 10 }, token),
                    cancellationToken);
            }

            // The engine's stop/pause event does the same; whichever comes first makes the transition.
            await states.TryMoveAsync(service.Id, [ServiceStates.Stopping], ServiceStates.Sleeping, reason, cancellationToken);
            return Result(await states.ReadAsync(service.Id, cancellationToken) ?? service, LifecycleStatus.Ok);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<ContainerInspectResponse?> InspectAsync(string serviceName, CancellationToken cancellationToken)
    {
        try
        {
            return await engine.RunAsync((docker, token) => docker.Containers.InspectContainerAsync(ContainerSpec.ContainerName(serviceName), token), cancellationToken);
        }
        catch (DockerContainerNotFoundException)
        {
            return null;
        }
    }

    private static string EngineMessage(DockerApiException exception)
        => exception.ResponseBody is { Length: > 0 and < 1000 } body && body.Contains("\"message\"", StringComparison.Ordinal)
            ? System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("message").GetString() ?? exception.Message
            : exception.Message;

    private static LifecycleResult Result(ManagedService service, LifecycleStatus status) => new(status, service.Id, service.Name, service.State);

    private static LifecycleResult Conflict(ManagedService service, string detail) => new(LifecycleStatus.Conflict, service.Id, service.Name, service.State, detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "Service {Name}: created container {ContainerId}")]
    private static partial void LogDeployed(ILogger logger, string name, string containerId);
}
