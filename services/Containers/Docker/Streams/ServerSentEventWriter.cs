using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;

namespace WakeDock.Containers.Docker.Streams;

/// <summary>
/// Writes a <c>text/event-stream</c> response: a <c>retry:</c> hint first, then events, each
/// flushed at once, and a comment every heartbeat interval so proxies (Caddy, YARP, nginx) keep
/// an idle stream open. Writes are serialized because the heartbeat runs beside the events.
/// </summary>
public sealed class ServerSentEventWriter : IAsyncDisposable
{
    public const string ContentType = "text/event-stream";

    private static readonly byte[] Heartbeat = ": heartbeat\n\n"u8.ToArray();
    private readonly HttpResponse response;
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly CancellationTokenSource stop;
    private Task heartbeat = Task.CompletedTask;

    private ServerSentEventWriter(HttpResponse response, CancellationToken cancellationToken)
    {
        this.response = response;
        stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
    }

    /// <summary>Sends the headers and the <c>retry:</c> hint; from here on errors are events, not status codes.</summary>
    public static async Task<ServerSentEventWriter> StartAsync(HttpContext context, StreamSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(settings);
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ContentType + "; charset=utf-8";
        response.Headers.CacheControl = "no-cache, no-store, no-transform";
        // nginx-style proxies buffer responses unless told not to.
        response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        var stream = new ServerSentEventWriter(response, cancellationToken);
        var retry = ((long)settings.Retry.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        await stream.WriteAsync(Encoding.UTF8.GetBytes($"retry: {retry}\n\n"), cancellationToken);
        stream.heartbeat = stream.BeatAsync(settings.Heartbeat);
        return stream;
    }

    /// <summary>One event; <paramref name="payload"/> is serialized as compact (single-line) JSON.</summary>
    public Task WriteEventAsync<T>(string name, T payload, string? id, CancellationToken cancellationToken)
    {
        var builder = new StringBuilder(256);
        builder.Append("event: ").Append(name).Append('\n');
        if (id is not null)
        {
            builder.Append("id: ").Append(id).Append('\n');
        }

        // Compact JSON escapes every newline, so one data line always holds the whole payload.
        builder.Append("data: ").Append(JsonSerializer.Serialize(payload, StreamJson.Options)).Append("\n\n");
        return WriteAsync(Encoding.UTF8.GetBytes(builder.ToString()), cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await heartbeat;
        stop.Dispose();
        gate.Dispose();
    }

    private async Task WriteAsync(byte[] bytes, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            await response.Body.WriteAsync(bytes, cancellationToken);
            await response.Body.FlushAsync(cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task BeatAsync(TimeSpan interval)
    {
        try
        {
            using var timer = new PeriodicTimer(interval);
            while (await timer.WaitForNextTickAsync(stop.Token))
            {
                await WriteAsync(Heartbeat, stop.Token);
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The stream ended or the client left: the event loop notices and cleans up.
        }
    }
}

/// <summary>The JSON style of the stream payloads: the same as every WakeDock API answer.</summary>
public static class StreamJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Microsoft.Extensions.Hosting.ServiceDefaultsExtensions.ConfigureJson(options);
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
