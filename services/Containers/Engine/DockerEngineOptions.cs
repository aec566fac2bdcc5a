namespace WakeDock.Containers.Engine;

/// <summary>Where the engine is: <c>Docker:Host</c>, else <c>DOCKER_HOST</c>, else the local unix socket.</summary>
public sealed class DockerEngineOptions
{
    public const string Section = "Docker";

    public const string DefaultHost = "unix:///var/run/docker.sock";

    public string? Host { get; set; }

    /// <summary>The lowest engine API spoken (Engine 20.10).</summary>
    public Version ApiVersion { get; set; } = new(1, 41);

    /// <summary>How often the monitor pings while the engine is unreachable.</summary>
    public TimeSpan ReconnectInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often it pings while all is well.</summary>
    public TimeSpan HealthInterval { get; set; } = TimeSpan.FromSeconds(15);

    public Uri ResolveEndpoint(string? dockerHostVariable)
    {
        var host = !string.IsNullOrWhiteSpace(Host) ? Host : !string.IsNullOrWhiteSpace(dockerHostVariable) ? dockerHostVariable : DefaultHost;
        return new Uri(host);
    }
}
