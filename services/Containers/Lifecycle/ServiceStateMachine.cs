using System.Collections.Concurrent;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using WakeDock.Containers.Infrastructure;
using WakeDock.Containers.Services;
using WakeDock.Contracts.Services;

namespace WakeDock.Containers.Lifecycle;

/// <summary>
/// The per-service state machine's one way to change state: a conditional update of the service
/// row (<c>WHERE state = previous</c>), so of two replicas or an action racing an engine event
/// exactly one makes each transition, and only that one publishes <see cref="ServiceStateChanged"/>.
/// </summary>
public sealed partial class ServiceStateMachine(IServiceScopeFactory scopes, IBus bus, TimeProvider clock, ILogger<ServiceStateMachine> logger)
{
    public static readonly IReadOnlyList<string> Running = [ServiceStates.Ready, ServiceStates.Unhealthy];

    private readonly ConcurrentDictionary<Guid, TaskCompletionSource> signals = new();
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> enteredAt = new();

    /// <summary>Completes at the next transition of the service; take it before reading the state so none is missed.</summary>
    public Task NextChange(Guid serviceId)
        => signals.GetOrAdd(serviceId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>When this instance last moved the service (null: not since it started); older engine events are stale.</summary>
    public DateTimeOffset? EnteredAt(Guid serviceId) => enteredAt.TryGetValue(serviceId, out var at) ? at : null;

    public async Task<ManagedService?> ReadAsync(Guid serviceId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ContainersDbContext>();
        return await db.Services.AsNoTracking().Include(s => s.Domains).FirstOrDefaultAsync(s => s.Id == serviceId, cancellationToken);
    }

    /// <summary>Moves the service to <paramref name="to"/> when its state is one of <paramref name="from"/>; true when this call did.</summary>
    public async Task<bool> TryMoveAsync(Guid serviceId, IReadOnlyCollection<string> from, string to, string? reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(from);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ContainersDbContext>();
        var service = await db.Services.AsNoTracking().Include(s => s.Domains).FirstOrDefaultAsync(s => s.Id == serviceId, cancellationToken);
        if (service is null || service.State == to || !from.Contains(service.State))
        {
            return false;
        }

        var previous = service.State;
        var rows = await db.Services.Where(s => s.Id == serviceId && s.State == previous)
            .ExecuteUpdateAsync(update => update.SetProperty(s => s.State, to), cancellationToken);
        if (rows == 0)
        {
            return false;
        }

        enteredAt[serviceId] = clock.GetUtcNow();

        if (signals.TryRemove(serviceId, out var signal))
        {
            signal.TrySetResult();
        }

        var message = new ServiceStateChanged(
            service.Id, service.Name, [.. service.Domains.OrderBy(d => d.Position).Select(d => d.Name)], previous, to, reason, clock.GetUtcNow());
        LogTransition(logger, service.Name, previous, to, reason);
        try
        {
            // The state is already stored: a broker outage must not undo or block the transition.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await bus.Publish(message, timeout.Token);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogPublishFailed(logger, service.Name, exception.Message);
        }

        return true;
    }

    /// <summary>Waits until the service reaches a state the wake is settled by (Ready, Unhealthy, Failed) or another than Waking.</summary>
    public async Task<ManagedService?> WaitSettledAsync(Guid serviceId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = clock.GetUtcNow() + timeout;
        while (true)
        {
            var next = NextChange(serviceId);
            var service = await ReadAsync(serviceId, cancellationToken);
            if (service is null || service.State != ServiceStates.Waking)
            {
                return service;
            }

            var left = deadline - clock.GetUtcNow();
            if (left <= TimeSpan.Zero)
            {
                return service;
            }

            // A bounded wait: a change made by another replica does not pulse this one's signal.
            await Task.WhenAny(next, Task.Delay(left < TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1), cancellationToken));
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Service {Name}: {Previous} -> {State} ({Reason})")]
    private static partial void LogTransition(ILogger logger, string name, string previous, string state, string? reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Service {Name}: could not publish the state change: {Error}")]
    private static partial void LogPublishFailed(ILogger logger, string name, string error);
}
