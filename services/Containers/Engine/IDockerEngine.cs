using Docker.DotNet;

namespace WakeDock.Containers.Engine;

/// <summary>What WakeDock knows about its connection to the engine.</summary>
public sealed record EngineStatus(bool Available, Uri Endpoint, string? Version, string? ApiVersion, string? LastError, DateTimeOffset CheckedAt);

/// <summary>
/// The one abstraction over a Docker engine (Sablier's "provider"): every call to the engine goes
/// through <see cref="RunAsync{T}"/>, which turns an unreachable engine into
/// <see cref="DockerEngineUnavailableException"/> (answered as 503) and lets the engine monitor
/// reconnect by itself. Another engine (a remote host, Swarm) is another implementation.
/// </summary>
public interface IDockerEngine
{
    EngineStatus Status { get; }

    /// <summary>Runs one call against the engine's API (Docker.DotNet, API 1.41 or newer).</summary>
    Task<T> RunAsync<T>(Func<IDockerClient, CancellationToken, Task<T>> operation, CancellationToken cancellationToken);

    Task RunAsync(Func<IDockerClient, CancellationToken, Task> operation, CancellationToken cancellationToken);

    /// <summary>Pings the engine now and updates <see cref="Status"/>.</summary>
    Task<EngineStatus> CheckAsync(CancellationToken cancellationToken);
}

/// <summary>The engine could not be reached (socket missing, connection refused, timeout).</summary>
public sealed class DockerEngineUnavailableException(Uri endpoint, Exception inner)
    : Exception($"The Docker engine at {endpoint} is unreachable: {inner.Message}", inner)
{
    public Uri Endpoint { get; } = endpoint;
}
