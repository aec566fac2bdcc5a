using WakeDock.Containers.Lifecycle;

namespace WakeDock.Containers.Extensions;

public static class LifecycleExtensions
{
    /// <summary>
    /// The wake/sleep state machine: actions, readiness checks and the engine-event watcher. Needs
    /// the engine, managed services and the bus (IBus) registered first. The bus consumers
    /// <see cref="WakeServiceConsumer"/> and <see cref="SleepServiceConsumer"/> are registered in AddWakeDockMessaging's callback.
    /// </summary>
    public static IHostApplicationBuilder AddServiceLifecycle(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<ServiceStateMachine>();
        builder.Services.AddSingleton<ServiceReadiness>();
        builder.Services.AddSingleton<ServiceLifecycle>();
        builder.Services.AddHostedService<ServiceEventWatcher>();
        return builder;
    }
}
