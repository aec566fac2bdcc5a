using System.Reflection;
using WakeDock.Contracts.Lifecycle;

namespace WakeDock.ServiceDefaults;

/// <summary>Who this process is: the name it runs under, its version and when it started.</summary>
public sealed record ServiceIdentity(string Name, string Version, string InstanceId, string HostName, DateTimeOffset StartedAt)
{
    /// <summary>
    /// The name comes from <c>OTEL_SERVICE_NAME</c> (set by the AppHost, as Aspire does),
    /// falling back to the application name.
    /// </summary>
    public static ServiceIdentity FromEnvironment(IConfiguration configuration, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(environment);

        var name = configuration["OTEL_SERVICE_NAME"];
        if (string.IsNullOrWhiteSpace(name))
        {
            name = environment.ApplicationName;
        }

        return new ServiceIdentity(
            name,
            ProductVersion(Assembly.GetEntryAssembly() ?? typeof(ServiceIdentity).Assembly),
            Guid.NewGuid().ToString("N"),
            Environment.MachineName,
            DateTimeOffset.UtcNow);
    }

    public static string ProductVersion(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        return assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString()
            ?? "0.0.0";
    }

    /// <summary>The one identity of the service being built, created on first use and registered once.</summary>
    public static ServiceIdentity For(IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Properties.TryGetValue(typeof(ServiceIdentity), out var existing) && existing is ServiceIdentity identity)
        {
            return identity;
        }

        identity = FromEnvironment(builder.Configuration, builder.Environment);
        builder.Properties[typeof(ServiceIdentity)] = identity;
        builder.Services.AddSingleton(identity);
        return identity;
    }

    public ServiceInstanceStarted ToStartedMessage() => new(Name, InstanceId, Version, HostName, StartedAt);

    public TimeSpan Uptime(TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        return clock.GetUtcNow() - StartedAt;
    }
}
