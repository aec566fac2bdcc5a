using Docker.DotNet;
using Docker.DotNet.Models;
using WakeDock.Containers.Docker.Streams;
using WakeDock.Containers.Engine;
using WakeDock.ServiceDefaults.Security;

namespace WakeDock.Containers.Apis;

/// <summary>
/// Live streams from the engine: container logs (server-sent events and WebSocket), stats
/// (one-shot and streamed) and the engine's event stream. Everything that can fail before the
/// first byte (bad query, unknown container, engine down) is answered as RFC 7807; once a stream
/// runs, a failure becomes a final <c>error</c> event and a normal end a final <c>end</c> event.
/// Clients authenticate with the bearer header (or API key header) like every other endpoint.
/// </summary>
public static partial class StreamsApi
{
    private const string Tag = "Streams";

    /// <summary>Pipeline pieces the streams need: WebSockets, with pings as heartbeats through proxies.</summary>
    public static WebApplication UseStreamPipeline(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = StreamSettings.From(app.Configuration).Heartbeat });
        return app;
    }

    public static IEndpointRouteBuilder MapStreamEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var settings = StreamSettings.From(endpoints.ServiceProvider.GetRequiredService<IConfiguration>());

        var containers = endpoints.MapGroup("/api/v1/containers/{id}")
            .RequireAuthorization(WakeDockPolicies.Viewer)
            .WithTags(Tag);

        containers.MapGet("/logs/stream", (string id, HttpContext context, IDockerEngine engine, TimeProvider clock, ILoggerFactory loggers, CancellationToken cancellationToken) =>
                StreamLogsAsync(id, context, engine, settings, clock, Logger(loggers), cancellationToken))
            .WithName("StreamContainerLogs")
            .WithSummary("Live logs as server-sent events (one event per line, named stdout or stderr)")
            .Produces(StatusCodes.Status200OK, contentType: ServerSentEventWriter.ContentType)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        containers.MapMethods("/logs/ws", [HttpMethods.Get, HttpMethods.Connect], (string id, HttpContext context, IDockerEngine engine, TimeProvider clock, ILoggerFactory loggers, CancellationToken cancellationToken) =>
                LogsWebSocketAsync(id, context, engine, settings, clock, Logger(loggers), cancellationToken))
            .WithName("ContainerLogsWebSocket")
            .WithSummary("Live logs over a WebSocket (JSON text messages {stream, line, timestamp?})")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        containers.MapGet("/stats", GetStatsAsync)
            .WithName("GetContainerStats")
            .WithSummary("One stats sample: CPU %, memory, network, block I/O, PIDs")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        containers.MapGet("/stats/stream", (string id, HttpContext context, IDockerEngine engine, ILoggerFactory loggers, CancellationToken cancellationToken) =>
                StreamStatsAsync(id, context, engine, settings, Logger(loggers), cancellationToken))
            .WithName("StreamContainerStats")
            .WithSummary("Stats as server-sent events (one stats event per engine sample, about every second)")
            .Produces(StatusCodes.Status200OK, contentType: ServerSentEventWriter.ContentType)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        endpoints.MapGet("/api/v1/engine/events", (HttpContext context, IDockerEngine engine, TimeProvider clock, ILoggerFactory loggers, CancellationToken cancellationToken) =>
                StreamEventsAsync(context, engine, settings, clock, Logger(loggers), cancellationToken))
            .RequireAuthorization(WakeDockPolicies.Viewer)
            .WithTags(Tag)
            .WithName("StreamEngineEvents")
            .WithSummary("The engine's container, image, network and volume events as server-sent events")
            .Produces(StatusCodes.Status200OK, contentType: ServerSentEventWriter.ContentType)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        return endpoints;
    }

    private static async Task<IResult> StreamLogsAsync(
        string id, HttpContext context, IDockerEngine engine, StreamSettings settings, TimeProvider clock, ILogger logger, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var request = StreamQuery.ParseLogs(context.Request.Query, LastEventId(context), settings, clock.GetUtcNow(), errors);
        if (request is null)
        {
            return TypedResults.ValidationProblem(errors);
        }

        using var tracked = StreamMetrics.Track("logs", "sse");
        await using var feed = await ContainerLogFeed.OpenAsync(engine, id, request, cancellationToken);
        await RunServerSentEventsAsync(
            context, settings, feed.ReadAsync(cancellationToken), line => (line.Stream, line.At?.ToString()), "container stopped", logger, cancellationToken);
        return TypedResults.Empty;
    }

    private static async Task<IResult> LogsWebSocketAsync(
        string id, HttpContext context, IDockerEngine engine, StreamSettings settings, TimeProvider clock, ILogger logger, CancellationToken cancellationToken)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: "WebSocket required",
                detail: "Open this endpoint as a WebSocket; for server-sent events use /logs/stream.");
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var request = StreamQuery.ParseLogs(context.Request.Query, lastEventId: null, settings, clock.GetUtcNow(), errors);
        if (request is null)
        {
            return TypedResults.ValidationProblem(errors);
        }

        using var tracked = StreamMetrics.Track("logs", "websocket");
        // Opened before the upgrade so that an unknown container is a 404, not a closed socket.
        await using var feed = await ContainerLogFeed.OpenAsync(engine, id, request, cancellationToken);
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        await LogWebSocketSession.RunAsync(socket, feed, exception => Describe(exception, logger, cancellationToken), cancellationToken);
        return TypedResults.Empty;
    }

    private static async Task<IResult> GetStatsAsync(string id, IDockerEngine engine, CancellationToken cancellationToken)
    {
        // stream=false: the engine waits for a second sample, so precpu is filled and CPU % is real.
        var parameters = new ContainerStatsParameters { Stream = false };
        await foreach (var sample in ReadStatsAsync(engine, id, parameters, cancellationToken))
        {
            return TypedResults.Ok(ContainerStatsSnapshot.From(sample));
        }

        return TypedResults.Problem(statusCode: StatusCodes.Status502BadGateway, title: "The Docker engine failed", detail: "The engine sent no stats.");
    }

    private static async Task<IResult> StreamStatsAsync(
        string id, HttpContext context, IDockerEngine engine, StreamSettings settings, ILogger logger, CancellationToken cancellationToken)
    {
        using var tracked = StreamMetrics.Track("stats", "sse");
        var container = await engine.RunAsync((docker, token) => docker.Containers.InspectContainerAsync(id, token), cancellationToken);
        var samples = ReadStatsAsync(engine, container.ID, new ContainerStatsParameters { Stream = true }, cancellationToken)
            .Select(ContainerStatsSnapshot.From);
        await RunServerSentEventsAsync(context, settings, samples, _ => ("stats", null), "stats ended", logger, cancellationToken);
        return TypedResults.Empty;
    }

    private static async Task<IResult> StreamEventsAsync(
        HttpContext context, IDockerEngine engine, StreamSettings settings, TimeProvider clock, ILogger logger, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (StreamQuery.ParseEvents(context.Request.Query, LastEventId(context), clock.GetUtcNow(), errors) is not var (parameters, after))
        {
            return TypedResults.ValidationProblem(errors);
        }

        using var tracked = StreamMetrics.Track("events", "sse");
        // The event stream reports failures only once running: ping first so a down engine is a 503.
        await engine.RunAsync((docker, token) => docker.System.PingAsync(token), cancellationToken);
        var events = EngineFeed.ReadAsync<Message>(
                (progress, token) => engine.RunAsync((docker, inner) => docker.System.MonitorEventsAsync(parameters, progress, inner), token),
                capacity: 1024, dropOldest: false, cancellationToken)
            .Select(EngineEvent.From)
            // The engine's since is inclusive: after a reconnect, skip what the client already has.
            .Where(item => after is null || item.At.UnixNanoseconds > after.Value.UnixNanoseconds);
        var endReason = parameters.Until is null ? "the engine ended the stream" : "until reached";
        await RunServerSentEventsAsync(context, settings, events, item => (item.Type, item.At.ToString()), endReason, logger, cancellationToken);
        return TypedResults.Empty;
    }

    private static IAsyncEnumerable<ContainerStatsResponse> ReadStatsAsync(
        IDockerEngine engine, string id, ContainerStatsParameters parameters, CancellationToken cancellationToken) =>
        // Only the newest samples matter to a slow client: drop the oldest.
        EngineFeed.ReadAsync<ContainerStatsResponse>(
            (progress, token) => engine.RunAsync((docker, inner) => docker.Containers.GetContainerStatsAsync(id, parameters, progress, inner), token),
            capacity: 4, dropOldest: true, cancellationToken);

    /// <summary>
    /// Starts the event stream and writes one event per item. The engine ending the source is a
    /// final <c>end</c> event; a failure is a final <c>error</c> event; a client that leaves just ends it.
    /// </summary>
    private static async Task RunServerSentEventsAsync<T>(
        HttpContext context, StreamSettings settings, IAsyncEnumerable<T> source, Func<T, (string Name, string? Id)> describe,
        string endReason, ILogger logger, CancellationToken cancellationToken)
    {
        await using var events = await ServerSentEventWriter.StartAsync(context, settings, cancellationToken);
        try
        {
            await foreach (var item in source.WithCancellation(cancellationToken))
            {
                var (name, id) = describe(item);
                await events.WriteEventAsync(name, item, id, cancellationToken);
            }

            await events.WriteEventAsync("end", new { reason = endReason }, null, cancellationToken);
        }
        catch (Exception exception) when (Describe(exception, logger, cancellationToken) is { } error)
        {
            try
            {
                await events.WriteEventAsync("error", error, null, cancellationToken);
            }
            catch (Exception late) when (late is IOException or OperationCanceledException)
            {
                // The client is gone too.
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException || cancellationToken.IsCancellationRequested)
        {
            // The client went away: leaving here closes the engine stream.
        }
    }

    /// <summary>What to tell a client about a failure mid-stream; null when the client itself went away.</summary>
    private static StreamError? Describe(Exception exception, ILogger logger, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return null;
        }

        return exception switch
        {
            OperationCanceledException => null,
            DockerEngineUnavailableException unavailable => new StreamError(StatusCodes.Status503ServiceUnavailable, "Docker engine unavailable", unavailable.Message),
            DockerContainerNotFoundException => new StreamError(StatusCodes.Status404NotFound, "Not found in the Docker engine", "The container is gone."),
            DockerApiException api => new StreamError(StatusCodes.Status502BadGateway, "The Docker engine failed", api.ResponseBody?.Trim() ?? api.Message),
            StreamOverflowException overflow => new StreamError(StatusCodes.Status503ServiceUnavailable, "Client too slow", overflow.Message),
            IOException io => new StreamError(StatusCodes.Status502BadGateway, "The Docker engine closed the stream", io.Message),
            _ => Unexpected(exception, logger),
        };
    }

    private static StreamError Unexpected(Exception exception, ILogger logger)
    {
        LogStreamFailed(logger, exception);
        return new StreamError(StatusCodes.Status500InternalServerError, "The stream failed", "An unexpected error ended the stream.");
    }

    private static string? LastEventId(HttpContext context) => context.Request.Headers["Last-Event-ID"].ToString() is { Length: > 0 } id ? id : null;

    private static ILogger Logger(ILoggerFactory loggers) => loggers.CreateLogger("WakeDock.Containers.Streams");

    [LoggerMessage(Level = LogLevel.Error, Message = "A live stream failed")]
    private static partial void LogStreamFailed(ILogger logger, Exception exception);
}
