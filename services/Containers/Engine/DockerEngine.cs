using System.Net.Http;
using System.Net.Sockets;
using Docker.DotNet;
using Microsoft.Extensions.Options;

namespace WakeDock.Containers.Engine;

/// <summary>
/// The local (or <c>DOCKER_HOST</c>) engine through Docker.DotNet. Connection failures mark the
/// engine unavailable and surface as <see cref="DockerEngineUnavailableException"/>; API errors
/// (404, 409 …) pass through as <see cref="DockerApiException"/> for the problem mapper.
/// </summary>
public sealed partial class DockerEngine : IDockerEngine, IDisposable
{
    private readonly DockerClient client;
    private readonly TimeProvider clock;
    private readonly ILogger<DockerEngine> logger;
    private EngineStatus status;

    public DockerEngine(IOptions<DockerEngineOptions> options, IConfiguration configuration, TimeProvider clock, ILogger<DockerEngine> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(configuration);
        this.clock = clock;
        this.logger = logger;
        var endpoint = options.Value.ResolveEndpoint(configuration["DOCKER_HOST"]);
        client = new DockerClientConfiguration(endpoint).CreateClient(options.Value.ApiVersion);
        status = new EngineStatus(false, endpoint, null, null, "not checked yet", clock.GetUtcNow());
    }

    public EngineStatus Status => Volatile.Read(ref status);

    public async Task<T> RunAsync<T>(Func<IDockerClient, CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        try
        {
            var result = await operation(client, cancellationToken);
            if (!Status.Available)
            {
                // A call got through: the engine is back even before the monitor's next ping.
                _ = CheckAsync(CancellationToken.None);
            }

            return result;
        }
        catch (Exception exception) when (IsConnectionFailure(exception, cancellationToken))
        {
            MarkUnavailable(exception);
            throw new DockerEngineUnavailableException(Status.Endpoint, exception);
        }
    }

    public Task RunAsync(Func<IDockerClient, CancellationToken, Task> operation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        return RunAsync<bool>(async (docker, token) =>
        {
            await operation(docker, token);
            return true;
        }, cancellationToken);
    }

    public async Task<EngineStatus> CheckAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            var version = await client.System.GetVersionAsync(timeout.Token);
            var wasAvailable = Status.Available;
            Volatile.Write(ref status, new EngineStatus(true, Status.Endpoint, version.Version, version.APIVersion, null, clock.GetUtcNow()));
            if (!wasAvailable)
            {
                LogConnected(logger, Status.Endpoint, version.Version, version.APIVersion);
            }
        }
        catch (Exception exception) when (IsConnectionFailure(exception, cancellationToken) || exception is OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            MarkUnavailable(exception);
        }

        return Status;
    }

    public void Dispose() => client.Dispose();

    /// <summary>Socket, HTTP and timeout failures mean "unreachable"; API answers (4xx/5xx) do not.</summary>
    public static bool IsConnectionFailure(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        DockerApiException => false,
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        HttpRequestException or SocketException or IOException or TimeoutException => true,
        _ => exception.InnerException is not null && IsConnectionFailure(exception.InnerException, cancellationToken),
    };

    private void MarkUnavailable(Exception exception)
    {
        var wasAvailable = Status.Available;
        Volatile.Write(ref status, Status with { Available = false, LastError = exception.Message, CheckedAt = clock.GetUtcNow() });
        if (wasAvailable)
        {
            LogLost(logger, Status.Endpoint, exception.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Connected to the Docker engine at {Endpoint} (Engine {Version}, API {ApiVersion})")]
    private static partial void LogConnected(ILogger logger, Uri endpoint, string version, string apiVersion);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the Docker engine at {Endpoint}: {Error}; reconnecting")]
    private static partial void LogLost(ILogger logger, Uri endpoint, string error);
}
