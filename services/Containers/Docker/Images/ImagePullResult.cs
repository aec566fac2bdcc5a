using System.Net;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;
using WakeDock.Containers.Engine;

namespace WakeDock.Containers.Docker.Images;

/// <summary>
/// One event of a pull. <c>progress</c>: the engine's per-layer status (<c>layer</c>, <c>status</c>,
/// bytes <c>current</c>/<c>total</c>); <c>complete</c>: the image's <c>id</c>, <c>digest</c>;
/// <c>error</c>: <c>code</c> (an HTTP status), <c>title</c>, <c>detail</c>.
/// </summary>
public sealed record PullEvent(string Type)
{
    public string? Layer { get; init; }
    public string? Status { get; init; }
    public long? Current { get; init; }
    public long? Total { get; init; }
    public string? Progress { get; init; }
    public string? Image { get; init; }
    public string? Id { get; init; }
    public string? Digest { get; init; }
    public int? Code { get; init; }
    public string? Title { get; init; }
    public string? Detail { get; init; }
}

/// <summary>
/// Pulls and streams the engine's progress as it happens: server-sent events, or NDJSON when the
/// client accepts <c>application/x-ndjson</c>. The response starts with the engine's first message,
/// so a pull the engine refuses outright (unknown image, registry unreachable, engine down) is an
/// ordinary problem+json answer; once streaming, a failure is an <c>error</c> event.
/// </summary>
public sealed class ImagePullResult(IDockerEngine engine, PullTarget target) : IResult, IEndpointMetadataProvider
{
    public const string EventStream = "text/event-stream";
    public const string NdJson = "application/x-ndjson";

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var json = httpContext.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        var writer = new PullEventWriter(httpContext, json);
        var aborted = httpContext.RequestAborted;

        // Docker.DotNet reports each message synchronously while it reads the engine's stream: a
        // channel keeps them in order (Progress<T> would post them to the thread pool unordered).
        var messages = Channel.CreateUnbounded<JSONMessage>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var pull = engine.RunAsync(
            (docker, token) => docker.Images.CreateImageAsync(
                new ImagesCreateParameters { FromImage = target.FromImage, Tag = target.Tag }, new AuthConfig(), new ChannelProgress(messages.Writer), token),
            aborted);
        _ = pull.ContinueWith(_ => messages.Writer.TryComplete(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

        string? digest = null;
        string? status = null;
        var failed = false;
        await foreach (var message in messages.Reader.ReadAllAsync(aborted))
        {
            var error = message.Error?.Message ?? (string.IsNullOrEmpty(message.ErrorMessage) ? null : message.ErrorMessage);
            if (error is not null)
            {
                failed = true;
                await writer.WriteAsync(Failure(StatusCodes.Status502BadGateway, "The pull failed", error), aborted);
                continue;
            }

            var text = message.Status?.Trim() ?? "";
            if (text.StartsWith("Digest: ", StringComparison.Ordinal))
            {
                digest = text["Digest: ".Length..];
            }
            else if (text.StartsWith("Status: ", StringComparison.Ordinal))
            {
                status = text["Status: ".Length..];
            }

            await writer.WriteAsync(new PullEvent("progress")
            {
                Layer = string.IsNullOrEmpty(message.ID) ? null : message.ID,
                Status = text,
                Current = message.Progress is { Current: > 0 } p ? p.Current : null,
                Total = message.Progress is { Total: > 0 } t ? t.Total : null,
                Progress = string.IsNullOrEmpty(message.ProgressMessage) ? null : message.ProgressMessage,
            }, aborted);
        }

        try
        {
            await pull;
        }
        catch (Exception exception) when (exception is DockerApiException or DockerEngineUnavailableException)
        {
            var failure = Failure(exception);
            if (writer.Started)
            {
                await writer.WriteAsync(failure, aborted);
            }
            else
            {
                // Refused before the first byte: a plain problem+json answer with the right status.
                // (Answered here: the exception handler middleware will not produce a 404.)
                if (failure.Code == StatusCodes.Status503ServiceUnavailable)
                {
                    httpContext.Response.Headers.RetryAfter = "5";
                }

                await TypedResults.Problem(statusCode: failure.Code, title: failure.Title, detail: failure.Detail).ExecuteAsync(httpContext);
            }

            return;
        }

        if (failed)
        {
            return;
        }

        var image = await engine.RunAsync((docker, token) => docker.Images.InspectImageAsync(target.Reference, token), aborted);
        await writer.WriteAsync(new PullEvent("complete")
        {
            Image = target.Reference,
            Id = image.ID,
            Digest = digest ?? image.RepoDigests?.FirstOrDefault()?.Split('@').LastOrDefault(),
            Status = status ?? "Pulled",
        }, aborted);
    }

    private static PullEvent Failure(Exception exception) => exception switch
    {
        DockerEngineUnavailableException => Failure(StatusCodes.Status503ServiceUnavailable, "Docker engine unavailable", exception.Message),
        DockerApiException { StatusCode: HttpStatusCode.NotFound } api => Failure(StatusCodes.Status404NotFound, "Image not found", EngineErrors.Message(api)),
        DockerApiException api => Failure(StatusCodes.Status502BadGateway, "The pull failed", EngineErrors.Message(api)),
        _ => Failure(StatusCodes.Status500InternalServerError, "The pull failed", exception.Message),
    };

    private static PullEvent Failure(int code, string title, string detail) => new("error") { Code = code, Title = title, Detail = detail };

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(PullEvent), [EventStream, NdJson]));
    }

    private sealed class ChannelProgress(ChannelWriter<JSONMessage> writer) : IProgress<JSONMessage>
    {
        public void Report(JSONMessage value) => writer.TryWrite(value);
    }

    /// <summary>Writes one event per engine message and flushes it, so the client sees it now.</summary>
    private sealed class PullEventWriter(HttpContext context, JsonSerializerOptions json)
    {
        private readonly bool ndjson = context.Request.Headers.Accept.Any(value => value?.Contains(NdJson, StringComparison.OrdinalIgnoreCase) == true);

        public bool Started { get; private set; }

        public async Task WriteAsync(PullEvent pullEvent, CancellationToken cancellationToken)
        {
            var response = context.Response;
            if (!Started)
            {
                Started = true;
                response.StatusCode = StatusCodes.Status200OK;
                response.ContentType = ndjson ? NdJson : EventStream;
                response.Headers.CacheControl = "no-cache";
                // Proxies (nginx, Caddy) must pass each event on at once.
                response.Headers["X-Accel-Buffering"] = "no";
                context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            }

            var payload = JsonSerializer.Serialize(pullEvent, json);
            var text = ndjson ? payload + "\n" : $"event: {pullEvent.Type}\ndata: {payload}\n\n";
            await response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken);
            await response.Body.FlushAsync(cancellationToken);
        }
    }
}
